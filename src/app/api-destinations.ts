// Destinations set over the API (PutFunctionEventInvokeConfig) must resolve to something the operator
// configured: a caller of the API must not be able to point sluice's connections (and their credentials)
// at targets of its choosing, nor at sluice's own state keys or a broker's internal addresses (its connector says).
import type { CompiledConfig } from '../config/compile.js';
import {
  connectionTypeOf,
  destinationConnector,
  destinationHints,
  destinationRoleProblem,
} from '../config/addresses.js';
import type { DestinationRole } from '../ports/connector.js';
import { namedConnections } from '../config/default-connection.js';
import { connectionForType } from './connections.js';

const hints = destinationHints();
export const ALLOWED_API_DESTINATIONS = `allowed: ${hints.slice(0, -1).join(', ')}, or ${hints.at(-1) ?? ''}`;

/** Why `address` may not be set over the API in `role`, or undefined when it may. */
export function apiDestinationProblem(
  config: CompiledConfig,
  address: string,
  role: DestinationRole,
): string | undefined {
  const connector = destinationConnector(address);
  if (connector === undefined) return 'is not a destination address';
  const roleProblem = destinationRoleProblem(address, role);
  if (roleProblem !== undefined) return `is refused: ${roleProblem}`;
  // A destination reached through the default connection of its type needs one; http and lambda pick their own.
  const type = connectionTypeOf(address);
  if (type !== undefined) {
    let connection;
    try {
      connection = connectionForType(config, type);
    } catch (err) {
      return (err as Error).message;
    }
    if (connection === undefined) return `has no configured ${type} connection`;
  }
  return connector.apiDestinationProblem?.(address, {
    region: config.region,
    accountId: config.accountId,
    connections: namedConnections(config.connections),
    hasFunction: (name) => config.functions.has(name),
    stateKeyPrefix: config.state.keyPrefix,
  });
}
