// Lambda function addresses: arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>].

export interface FunctionArn {
  region: string;
  accountId: string;
  name: string;
  qualifier?: string;
}

const FUNCTION_ARN = /^arn:[\w-]+:lambda:([^:]*):([^:]*):function:([^:]+)(?::([^:]+))?$/;

export function parseFunctionArn(address: string): FunctionArn | undefined {
  const m = FUNCTION_ARN.exec(address);
  if (m === null) return undefined;
  return { region: m[1] ?? '', accountId: m[2] ?? '', name: m[3] ?? '', qualifier: m[4] };
}
