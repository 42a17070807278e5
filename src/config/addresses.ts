// What an address (ARN or URI) is, from the connector registry: the source it names and its rules, whether sluice
// can deliver to it, and the type of connection that reaches it.
import { connectors } from '../../connectors/index.js';
import type { ConnectorDefinition, DestinationRole, MappingFieldsDefinition, SourceRules } from '../ports/connector.js';
import { PLAIN_RECORDS, type FilterSource } from '../ports/filter-source.js';

export interface SourceAt {
  kind: string;
  rules: SourceRules;
  /** The connector's own mapping fields, if it has any. */
  fields?: MappingFieldsDefinition;
  /** How filter patterns reach the records' data. */
  filter: FilterSource;
}

export function sourceAt(address: string): SourceAt | undefined {
  for (const c of connectors) {
    const rules = c.sourceAt?.(address);
    if (rules !== undefined)
      return { kind: c.kind, rules, fields: c.mappingFields, filter: rules.filter ?? c.filter ?? PLAIN_RECORDS };
  }
  return undefined;
}

/** How filter patterns reach the records of each connector that has its own way (for `sluice test-pattern`). */
export const filterSources = (): ReadonlyMap<string, FilterSource> =>
  new Map(connectors.flatMap((c) => (c.filter === undefined ? [] : [[c.kind, c.filter] as const])));

/** A connector's own fields picked out of a mapping (all of them undefined when it sets none). */
export function ownFieldsOf(fields: MappingFieldsDefinition, mapping: Readonly<Record<string, unknown>>) {
  return Object.fromEntries(Object.keys(fields.shape).map((k) => [k, mapping[k]]));
}

/** Without EventSourceArn: the source a mapping names through a connector's own fields (self-managed Kafka). */
export function addressNamedBy(mapping: Readonly<Record<string, unknown>>): string | undefined {
  for (const c of connectors) {
    const f = c.mappingFields;
    const address = f?.addressOf?.(ownFieldsOf(f, mapping));
    if (address !== undefined) return address;
  }
  return undefined;
}

/** How a mapping without EventSourceArn can name its source (the connectors whose fields can). */
export const addressHints = (): string[] => connectors.flatMap((c) => c.mappingFields?.addressHint ?? []);

/** The source addresses the connectors read, for the message of one that none reads. */
export const sourceHints = (): string[] => connectors.flatMap((c) => c.sourceHint ?? []);

/** The destination addresses of the connectors, for the message of a refused API-set destination. */
export const destinationHints = (): string[] => connectors.flatMap((c) => c.destinationHint ?? []);

/** The own mapping fields of the connector of `kind`, if it has any. */
export const mappingFieldsOf = (kind: string): MappingFieldsDefinition | undefined =>
  connectors.find((c) => c.kind === kind)?.mappingFields;

/** The connector's own fields of a compiled mapping as GetEventSourceMapping answers them. */
export function renderOwnFields(
  kind: string,
  settings: unknown,
  consumerGroupId: string | undefined,
): Record<string, unknown> {
  return mappingFieldsOf(kind)?.render(settings, consumerGroupId) ?? {};
}

export const destinationConnector = (address: string): ConnectorDefinition | undefined =>
  connectors.find((c) => c.isDestination?.(address) === true);

/** Why the destination at `address` may not serve in `role` (DEST-1, DEST-10), or undefined when it may. */
export function destinationRoleProblem(address: string, role: DestinationRole): string | undefined {
  return destinationConnector(address)?.destinationRoleProblem?.(role);
}

/** Destination address forms sluice can deliver to (async destinations, DLQs, stream on-failure). */
export function isDestinationAddress(address: string): boolean {
  return destinationConnector(address) !== undefined;
}

/**
 * The type of connection a source or destination address needs, if any. A destination that picks its own
 * connection (http by baseUrl, lambda for a remote function) needs none.
 */
export function connectionTypeOf(address: string): string | undefined {
  const source = sourceAt(address);
  if (source !== undefined) return source.rules.needsConnection ? source.kind : undefined;
  const c = destinationConnector(address);
  return c?.connectionSchema === undefined || c.destinationConnection !== undefined ? undefined : c.kind;
}
