/** Metric label for a destination address: the ARN's service (sqs, sns, lambda, events, s3) or the URI scheme. */
export function destinationType(address: string): string {
  if (address.startsWith('arn:')) return /^arn:[^:]*:([^:]+)/.exec(address)?.[1] ?? 'unknown';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address);
  return scheme?.[1]?.toLowerCase() ?? 'unknown';
}
