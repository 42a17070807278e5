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
  if (s.moto) for (const type of ['s3', 'sns', 'eventbridge']) connections[type] = aws(s.moto.endpoint);
  // No rabbitmq entry yet: sluice has no RabbitMQ connector to read it (issue #16).
  return JSON.stringify({ connections }, null, 2);
}

export const SERVER_ENV_NAMES = [
  'SLUICE_SQS_ENDPOINT',
  'SLUICE_KINESIS_ENDPOINT',
  'SLUICE_DYNAMODB_ENDPOINT',
  'SLUICE_KAFKA_BROKERS',
  'SLUICE_REDIS_URL',
  'SLUICE_RABBITMQ_URL',
  'SLUICE_MOTO_ENDPOINT',
] as const;

/**
 * The same addresses as environment variables. Suites written before this harness read these
 * (e.g. test/integration/sqs/env.ts reads SLUICE_SQS_ENDPOINT); globalSetup exports them to the test workers.
 */
export function serverEnv(s: ServersInfo): Partial<Record<(typeof SERVER_ENV_NAMES)[number], string>> {
  const env: Partial<Record<(typeof SERVER_ENV_NAMES)[number], string>> = {};
  if (s.sqs) env.SLUICE_SQS_ENDPOINT = s.sqs.endpoint;
  if (s.kinesis) env.SLUICE_KINESIS_ENDPOINT = s.kinesis.endpoint;
  if (s.dynamodb) env.SLUICE_DYNAMODB_ENDPOINT = s.dynamodb.endpoint;
  if (s.kafka) env.SLUICE_KAFKA_BROKERS = s.kafka.brokers.join(',');
  if (s.redis) env.SLUICE_REDIS_URL = s.redis.url;
  if (s.rabbitmq) env.SLUICE_RABBITMQ_URL = s.rabbitmq.url;
  if (s.moto) env.SLUICE_MOTO_ENDPOINT = s.moto.endpoint;
  return env;
}
