// Destinations set over the API (PutFunctionEventInvokeConfig) must resolve to something the operator
// configured: a caller of the API must not be able to point sluice's connections (and their credentials)
// at targets of its choosing, nor at sluice's own state keys or Kafka's internal topics.
import type { CompiledConfig } from '../config/compile.js';
import { connectionTypeOf, destinationConnector } from '../config/addresses.js';
import { namedConnections } from '../config/default-connection.js';
import { connectionForType } from './connections.js';

export const ALLOWED_API_DESTINATIONS =
  'allowed: a configured function (arn:aws:lambda:<region>:<account>:function:<name>), an SQS queue ARN with an sqs ' +
  'connection, kafka://<topic> with a kafka connection (not __ internal topics), redis://<stream-key> with a redis ' +
  'connection (not under the state keyPrefix), memory://queue/<name>, memory://stream/<name>, or an http(s) URL ' +
  "under an http connection's baseUrl";

/** Why `address` may not be set over the API, or undefined when it may. */
export function apiDestinationProblem(config: CompiledConfig, address: string): string | undefined {
  const connector = destinationConnector(address);
  if (connector === undefined) return 'is not a destination address';
  const own = connector.apiDestinationProblem?.(address, {
    region: config.region,
    accountId: config.accountId,
    connections: namedConnections(config.connections),
    hasFunction: (name) => config.functions.has(name),
  });
  if (own !== undefined) return own;
  const type = connectionTypeOf(address);
  if (type === undefined) return undefined;
  let connection;
  try {
    connection = connectionForType(config, type);
  } catch (err) {
    return (err as Error).message;
  }
  if (connection === undefined) return `has no configured ${type} connection`;
  const topic = /^kafka:\/\/(.+)$/.exec(address)?.[1];
  if (topic?.startsWith('__') === true) return 'is a Kafka internal topic';
  // State keys are `<prefix>:…` and `{<prefix>:async}…` (src/state).
  const key = /^redis:\/\/(.+)$/.exec(address)?.[1]?.replace(/^\{/, '');
  const prefix = config.state.keyPrefix;
  if (key !== undefined && (key === prefix || key.startsWith(`${prefix}:`) || key.startsWith(`${prefix}}`)))
    return `is under sluice's own state key prefix "${prefix}"`;
  return undefined;
}
