// EventBridge bus ARNs: arn:aws:events:<region>:<account>:event-bus/<name>.
export interface BusAddress {
  region: string;
  account: string;
  name: string;
}

const ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):([^:]+):event-bus\/([A-Za-z0-9._/-]{1,256})$/;

export function parseBusArn(address: string): BusAddress | undefined {
  const m = ARN.exec(address);
  if (!m) return undefined;
  const [, region, account, name] = m as unknown as [string, string, string, string];
  return { region, account, name };
}
