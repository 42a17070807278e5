// Addresses of the test servers, as handed from globalSetup to the tests (must stay JSON-serializable).
export const SERVER_NAMES = [
  'kafka',
  'sqs',
  'dynamodb',
  'kinesis',
  'redis',
  'rabbitmq',
  'moto',
  'schemaregistry',
] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export interface ServersInfo {
  /** `version`: the Kafka release; files of `services:up` from before SLUICE_KAFKA_VERSION lack it (3.9.1). */
  kafka?: { brokers: string[]; version?: string };
  sqs?: { endpoint: string };
  dynamodb?: { endpoint: string };
  kinesis?: { endpoint: string };
  redis?: { url: string };
  /** amqp://guest:guest@127.0.0.1:PORT (guest may log in over loopback only, which is all we use). */
  rabbitmq?: { url: string };
  /** moto server: S3, SNS, EventBridge (and its own SQS, where their deliveries land), account 123456789012. */
  moto?: { endpoint: string };
  /** A Confluent-compatible schema registry that checks HTTP basic auth with these credentials. */
  schemaregistry?: { url: string; username: string; password: string };
}

/** What globalSetup provides: the addresses plus which servers were asked for (to explain a missing one). */
export interface ProvidedServers {
  servers: ServersInfo;
  requested: ServerName[];
  selection: string;
}

export const REGION = 'us-east-1';
// DynamoDB Local accepts only letters and digits in the access key id.
export const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' } as const;

export function isServerName(s: string): s is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(s);
}

declare module 'vitest' {
  export interface ProvidedContext {
    sluiceServers: ProvidedServers;
  }
}
