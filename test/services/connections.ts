import { CREDENTIALS, REGION } from './types.js';
import type { ServersInfo } from './types.js';

/** A ready-to-paste sluice `connections` block (connection names = the server kinds). */
export function connectionsBlock(s: ServersInfo): string {
  const aws = (endpoint: string) => ({ endpoint, region: REGION, credentials: { ...CREDENTIALS } });
  const connections: Record<string, unknown> = {};
  if (s.sqs) connections.sqs = aws(s.sqs.endpoint);
  if (s.kinesis) connections.kinesis = aws(s.kinesis.endpoint);
  if (s.dynamodb) connections.dynamodb = aws(s.dynamodb.endpoint);
  if (s.kafka) connections.kafka = { brokers: s.kafka.brokers };
  if (s.redis) connections.redis = { url: s.redis.url };
  return JSON.stringify({ connections }, null, 2);
}
