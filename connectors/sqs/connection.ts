import { SQSClient } from '@aws-sdk/client-sqs';

/** The `connection` settings an SQS mapping or destination refers to. */
export interface SqsConnection {
  /** e.g. http://127.0.0.1:9324 for ElasticMQ; absent = AWS. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Sockets per client: each concurrent batch holds one for its long poll (default 2000). */
  maxSockets?: number;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

export function validateSqsConnection(c: Record<string, unknown>): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (c['endpoint'] !== undefined) {
    if (!isString(c['endpoint']) || !URL.canParse(c['endpoint'])) problems.push(['endpoint', 'must be a URL']);
  }
  if (c['region'] !== undefined && !isString(c['region'])) problems.push(['region', 'must be a non-empty string']);
  if (c['maxSockets'] !== undefined && !(Number.isInteger(c['maxSockets']) && (c['maxSockets'] as number) > 0)) {
    problems.push(['maxSockets', 'must be a positive integer']);
  }
  const cred = c['credentials'];
  if (cred !== undefined) {
    if (typeof cred !== 'object' || cred === null) {
      problems.push(['credentials', 'must be an object']);
    } else {
      const o = cred as Record<string, unknown>;
      if (!isString(o['accessKeyId'])) problems.push(['credentials.accessKeyId', 'is required']);
      if (!isString(o['secretAccessKey'])) problems.push(['credentials.secretAccessKey', 'is required']);
      if (o['sessionToken'] !== undefined && !isString(o['sessionToken'])) {
        problems.push(['credentials.sessionToken', 'must be a string']);
      }
    }
  }
  return problems;
}

export function createSqsClient(connection: Record<string, unknown>, region: string): SQSClient {
  const c = connection as SqsConnection;
  const maxSockets = c.maxSockets ?? 2000;
  return new SQSClient({
    region: c.region ?? region,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    ...(c.credentials ? { credentials: c.credentials } : {}),
    // The default pool of 50 sockets would starve concurrent 20 s long polls.
    requestHandler: { httpAgent: { keepAlive: true, maxSockets }, httpsAgent: { keepAlive: true, maxSockets } },
  });
}

const shared = new Map<string, { client: SQSClient; users: number }>();

/**
 * One SQSClient per connection and region, shared by every mapping and destination that uses it: a client (its
 * middleware stack and socket pool) costs about half a megabyte, which 100 idle mappings would pay 100 times.
 * `release` destroys the client when its last user is closed.
 */
export function sharedSqsClient(
  connection: Record<string, unknown>,
  region: string,
): { client: SQSClient; release: () => void } {
  const key = JSON.stringify([connection, region]);
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = { client: createSqsClient(connection, region), users: 0 };
    shared.set(key, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    client: held.client,
    release: () => {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (shared.get(key) === held) shared.delete(key);
      held.client.destroy();
    },
  };
}
