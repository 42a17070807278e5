// The generated sluice config: region, account, one connection per kind of source or destination the functions and
// mappings use (reaching the local servers of the endpoints), the functions and the mappings.
import type { SluiceFunction } from './function.js';
import type { SluiceMapping } from './events.js';
import { isRecord, type Endpoints, type ImportOptions } from './types.js';

type Kind = keyof Endpoints;

function kindOf(address: unknown): Kind | undefined {
  if (typeof address !== 'string') return undefined;
  const service = /^arn:[\w-]+:([\w-]+):/.exec(address)?.[1];
  if (service === 'sqs' || service === 'kinesis' || service === 'dynamodb' || service === 'kafka') return service;
  if (service === 'sns' || service === 's3') return service;
  if (service === 'events') return 'eventbridge';
  if (service === 'mq') return 'rabbitmq';
  return address.startsWith('kafka://') ? 'kafka' : undefined;
}

function addressesOf(functions: Record<string, SluiceFunction>, mappings: SluiceMapping[]): unknown[] {
  const out: unknown[] = [];
  const dest = (d: unknown) => {
    if (!isRecord(d)) return;
    for (const k of ['OnSuccess', 'OnFailure']) if (isRecord(d[k])) out.push(d[k].Destination);
  };
  for (const f of Object.values(functions)) {
    if (isRecord(f.DeadLetterConfig)) out.push(f.DeadLetterConfig.TargetArn);
    if (isRecord(f.EventInvokeConfig)) dest(f.EventInvokeConfig.DestinationConfig);
  }
  for (const m of mappings) {
    out.push(m.EventSourceArn);
    dest(m.DestinationConfig);
  }
  return out;
}

function connection(kind: Kind, e: Endpoints, region: string): Record<string, unknown> | undefined {
  if (kind === 'kafka') return e.kafka === undefined ? undefined : { type: 'kafka', brokers: e.kafka };
  if (kind === 'rabbitmq') return e.rabbitmq === undefined ? undefined : { type: 'rabbitmq', url: e.rabbitmq };
  const endpoint = e[kind];
  return endpoint === undefined ? undefined : { type: kind, endpoint, region };
}

export function buildConfig(
  functions: Record<string, SluiceFunction>,
  mappings: SluiceMapping[],
  o: ImportOptions,
  extraKinds: Kind[] = [],
): Record<string, unknown> {
  const kinds = new Set<Kind>(extraKinds);
  for (const a of addressesOf(functions, mappings)) {
    const k = kindOf(a);
    if (k !== undefined) kinds.add(k);
  }
  if (mappings.some((m) => m.SelfManagedEventSource !== undefined)) kinds.add('kafka');
  const connections: Record<string, unknown> = {};
  for (const k of [...kinds].sort()) {
    const c = connection(k, o.endpoints, o.region);
    if (c !== undefined) connections[k] = c;
  }
  // Self-managed Kafka names production brokers: locally the kafka connection's brokers win.
  const local = mappings.map((m) =>
    m.SelfManagedEventSource !== undefined && connections.kafka !== undefined ? { ...m, Connection: 'kafka' } : m,
  );
  return { region: o.region, accountId: o.accountId, connections, functions, eventSourceMappings: local };
}
