// SQS addresses: queue ARNs (arn:aws:sqs:<region>:<account>:<name>) and, for convenience, AWS queue URLs.

export interface SqsAddress {
  name: string;
  account: string;
  /** Region named by the address; absent for URLs that do not name one. */
  region?: string;
  /** The queue URL when the address is one (no GetQueueUrl needed). */
  url?: string;
  fifo: boolean;
}

const ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]*):([^:]*):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;
// https://sqs.<region>.amazonaws.com/<account>/<name> and the legacy https://<region>.queue.amazonaws.com/...
const URL_HOST = /^(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)$/;

export function parseSqsAddress(address: string): SqsAddress | undefined {
  const arn = ARN.exec(address);
  if (arn) {
    const [, region, account, name] = arn as unknown as [string, string, string, string];
    return { name, account, region: region || undefined, fifo: name.endsWith('.fifo') };
  }
  const url = URL.parse(address);
  if (!url) return undefined;
  const host = URL_HOST.exec(url.hostname);
  const parts = url.pathname.split('/').filter(Boolean);
  if (!host || (url.protocol !== 'https:' && url.protocol !== 'http:') || parts.length !== 2) return undefined;
  const [account, name] = parts as [string, string];
  return { name, account, region: host[1] ?? host[2], url: address, fifo: name.endsWith('.fifo') };
}

export function queueArn(a: SqsAddress, fallbackRegion: string): string {
  return `arn:aws:sqs:${a.region ?? fallbackRegion}:${a.account}:${a.name}`;
}
