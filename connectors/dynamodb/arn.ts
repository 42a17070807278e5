// DynamoDB stream addresses: arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>.

export interface DynamoDbStreamArn {
  arn: string;
  region: string;
  accountId: string;
  table: string;
  label: string;
}

const STREAM_ARN = /^arn:[\w-]+:dynamodb:([^:]*):([^:]*):table\/([^/]+)\/stream\/(.+)$/;

export function isDynamoDbStreamArn(address: string): boolean {
  return STREAM_ARN.test(address);
}

export function parseDynamoDbStreamArn(address: string): DynamoDbStreamArn {
  const m = STREAM_ARN.exec(address);
  if (m === null) throw new Error(`not a DynamoDB stream ARN: ${address}`);
  return { arn: address, region: m[1] ?? '', accountId: m[2] ?? '', table: m[3] ?? '', label: m[4] ?? '' };
}
