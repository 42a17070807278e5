// Which named connection reaches a source, destination or remote function that names none: the connection named
// after its type ("sqs", "kafka", "redis"...), or failing that the only connection of that type. Never an implicit
// default endpoint: with no connection of the type there is none (README: compatibility notes).
import { connectors } from '../../connectors/index.js';
import type { DestinationRole, NamedConnections } from '../ports/connector.js';
import type { Problem } from './problems.js';
import type { Connection } from './schema.js';
import { connectionTypeOf, destinationConnector, destinationRoleProblem } from './addresses.js';

export function defaultConnection(
  connections: Record<string, Connection>,
  type: Connection['type'],
): { name: string; connection: Connection } | { problem: 'none' | 'several'; message: string } {
  const named = connections[type];
  if (named?.type === type) return { name: type, connection: named };
  const all = Object.entries(connections).filter(([, c]) => c.type === type);
  if (all.length === 1) return { name: all[0]![0], connection: all[0]![1] };
  if (all.length > 1)
    return {
      problem: 'several',
      message: `several connections of type ${type} (${all.map(([n]) => n).join(', ')}): name one in Connection, or name one "${type}"`,
    };
  return {
    problem: 'none',
    message: `no connection of type ${type} in connections: add one (${exampleOf(type)})`,
  };
}

/** An example of a connection of each type, from its connector. */
function exampleOf(type: string): string {
  return connectors.find((c) => c.kind === type)?.connectionExample ?? `{"type": "${type}", …}`;
}

/** Rules the schemas cannot say, from each connection's connector. */
export function connectionProblems(connections: Record<string, Connection>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, c] of Object.entries(connections)) {
    const found = connectors.find((d) => d.kind === c.type)?.connectionProblems?.(c);
    for (const [key, message] of found ?? []) problems.push({ path: `connections.${name}.${key}`, message });
  }
  return problems;
}

/** Why a destination address served by a connector has no connection to reach it, if so. */
export function destinationConnectionProblem(
  connections: Record<string, Connection>,
  address: string,
): string | undefined {
  const type = connectionTypeOf(address);
  if (type === undefined) return undefined;
  const d = defaultConnection(connections, type);
  return 'problem' in d ? `the destination needs a connection: ${d.message}` : undefined;
}

/** The connections as a connector that picks its own for an address sees them (ambiguous defaults are none). */
export function namedConnections(connections: Record<string, Connection>): NamedConnections {
  return {
    all: connections,
    defaultOf(type) {
      const d = defaultConnection(connections, type);
      return 'problem' in d ? undefined : d.connection;
    },
  };
}

/** Why a config-file destination address is refused (not one sluice delivers to, not in `role`, its connector's rule). */
export function destinationProblem(
  connections: Record<string, Connection>,
  address: string,
  role: DestinationRole,
): string | undefined {
  const c = destinationConnector(address);
  if (c === undefined) return `"${address}" is not a destination sluice can deliver to`;
  return destinationRoleProblem(address, role) ?? c.configDestinationProblem?.(address, namedConnections(connections));
}
