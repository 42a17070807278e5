// SNS topic ARNs: arn:aws:sns:<region>:<account>:<topic>[.fifo].
export interface TopicAddress {
  region: string;
  account: string;
  name: string;
  fifo: boolean;
}

const ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):([^:]+):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

export function parseTopicArn(address: string): TopicAddress | undefined {
  const m = ARN.exec(address);
  if (!m) return undefined;
  const [, region, account, name] = m as unknown as [string, string, string, string];
  return { region, account, name, fifo: name.endsWith('.fifo') };
}
