// What an address (ARN or URI) is, from the connector registry: the source it names and its rules, whether sluice
// can deliver to it, and the type of connection that reaches it.
import { connectors } from '../../connectors/index.js';
import type { ConnectorDefinition, SourceRules } from '../ports/connector.js';

export interface SourceAt {
  kind: string;
  rules: SourceRules;
}

export function sourceAt(address: string): SourceAt | undefined {
  for (const c of connectors) {
    const rules = c.sourceAt?.(address);
    if (rules !== undefined) return { kind: c.kind, rules };
  }
  return undefined;
}

export const destinationConnector = (address: string): ConnectorDefinition | undefined =>
  connectors.find((c) => c.isDestination?.(address) === true);

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
