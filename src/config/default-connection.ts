// Which named connection reaches a source, destination or remote function that names none: the connection named
// after its type ("sqs", "kafka", "redis"...), or failing that the only connection of that type. Never an implicit
// default endpoint: with no connection of the type there is none (README: compatibility notes).
import { awsConnectionProblems } from '../../connectors/_aws/client-config.js';
import type { Problem } from './problems.js';
import type { Connection } from './schema.js';
import { CONNECTION_TYPE, sourceKindOf } from './source-kind.js';

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
    message: `no connection of type ${type} in connections: add one (${EXAMPLE[type]})`,
  };
}

const AWS_EXAMPLE = (type: string) =>
  `{"type": "${type}", "endpoint": "http://…"} for an emulator, {"type": "${type}", "endpoint": "aws", "credentials": …} for AWS`;
const EXAMPLE: Record<Connection['type'], string> = {
  sqs: AWS_EXAMPLE('sqs'),
  kinesis: AWS_EXAMPLE('kinesis'),
  dynamodb: AWS_EXAMPLE('dynamodb'),
  lambda: AWS_EXAMPLE('lambda'),
  kafka: '{"type": "kafka", "brokers": ["host:9092"]}',
  redis: '{"type": "redis", "url": "redis://host:6379"}',
  http: '{"type": "http"}',
};

/** Rules the schema cannot say: an AWS connection with `"endpoint": "aws"` needs credentials (static or "default-chain"). */
export function connectionProblems(connections: Record<string, Connection>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, c] of Object.entries(connections))
    if (c.type === 'sqs' || c.type === 'kinesis' || c.type === 'dynamodb' || c.type === 'lambda')
      for (const [key, message] of awsConnectionProblems(c))
        problems.push({ path: `connections.${name}.${key}`, message });
  return problems;
}

/** Why a destination address (SQS, Kafka, Redis) has no connection to reach it, if so. */
export function destinationConnectionProblem(
  connections: Record<string, Connection>,
  address: string,
): string | undefined {
  const kind = sourceKindOf(address, false);
  const type = kind === undefined ? undefined : CONNECTION_TYPE[kind];
  if (type === undefined) return undefined;
  const d = defaultConnection(connections, type);
  return 'problem' in d ? `the destination needs a connection: ${d.message}` : undefined;
}
