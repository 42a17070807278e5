import { SQSClient } from '@aws-sdk/client-sqs';
import { parseConnection } from '../../src/ports/connector.js';

import { z } from 'zod';
import { awsClientConfig } from '../_aws/client-config.js';
import { awsConnectionSchema } from '../_aws/connection-schema.js';

/** The `connection` settings an SQS mapping or destination refers to. */
export const sqsConnectionSchema = awsConnectionSchema.extend({
  maxSockets: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Sockets per client: each concurrent batch holds one for its long poll (default 2000).'),
});
export type SqsConnection = z.output<typeof sqsConnectionSchema>;

export function createSqsClient(connection: Record<string, unknown>, region: string): SQSClient {
  const maxSockets = parseConnection(sqsConnectionSchema, 'sqs', connection).maxSockets ?? 2000;
  return new SQSClient({
    ...awsClientConfig(connection, region),
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
