// Resolves destination addresses (async OnSuccess/OnFailure, DLQs, stream on-failure) to Destinations,
// one instance per address, created on first use, by the connector that owns the address.
import { connectors, findConnector } from '../../connectors/index.js';
import type { CompiledConfig } from '../config/compile.js';
import { connectionTypeOf } from '../config/addresses.js';
import { namedConnections } from '../config/default-connection.js';
import { SluiceError } from '../ports/errors.js';
import type { LocalFunctions } from '../ports/connector.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { Destination } from '../ports/sources.js';
import { connectionForType } from './connections.js';

export interface Destinations {
  get(address: string): Destination;
  close(): Promise<void>;
}

export interface DestinationDeps {
  /** The process-wide instance of a connector that has one (memory: the broker), by kind. */
  instances: Readonly<Record<string, unknown>>;
  /** For a Lambda function ARN of this sluice. */
  functions: LocalFunctions;
  metrics: Metrics;
  logger: Logger;
}

export function createDestinations(config: CompiledConfig, deps: DestinationDeps): Destinations {
  const cache = new Map<string, Destination>();
  const connections = namedConnections(config.connections);

  const make = (address: string): Destination => {
    const connector = findConnector(connectors, address);
    if (connector?.createDestination === undefined)
      throw new SluiceError('UnsupportedDestination', `no connector can deliver to ${address}`);
    let connection: Record<string, unknown> | undefined;
    if (connector.destinationConnection !== undefined)
      connection = connector.destinationConnection(address, connections);
    else {
      const type = connectionTypeOf(address);
      connection = type === undefined ? undefined : connectionForType(config, type);
    }
    return connector.createDestination(address, {
      connection: connection ?? {},
      region: config.region,
      accountId: config.accountId,
      logger: deps.logger.child({ destination: address }),
      metrics: deps.metrics,
      instance: deps.instances[connector.kind],
      functions: deps.functions,
    });
  };

  return {
    get(address) {
      let d = cache.get(address);
      if (d === undefined) {
        d = make(address);
        cache.set(address, d);
      }
      return d;
    },
    async close() {
      await Promise.all([...cache.values()].map((d) => d.close()));
    },
  };
}
