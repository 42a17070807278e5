// Resolves destination addresses (async OnSuccess/OnFailure, DLQs, stream on-failure) to Destinations,
// one instance per address, created on first use.
import { connectors as registry, findConnector } from '../../connectors/index.js';
import { memoryConnector, type MemoryBroker } from '../../connectors/memory/index.js';
import type { CompiledConfig } from '../config/compile.js';
import { httpConnectionFor } from '../config/http-targets.js';
import type { AsyncEngine } from '../core/async/index.js';
import { SluiceError } from '../ports/errors.js';
import type { ConnectorDefinition } from '../ports/connector.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { bodyOf, type Destination } from '../ports/sources.js';
import { randomUUID } from 'node:crypto';
import { connectionTypeOf } from '../config/addresses.js';
import { connectionForType } from './connections.js';
import { httpDestination } from './http-destination.js';

export interface Destinations {
  get(address: string): Destination;
  close(): Promise<void>;
}

export function allConnectors(broker: MemoryBroker): ConnectorDefinition[] {
  return [memoryConnector(broker), ...registry];
}

export function createDestinations(
  config: CompiledConfig,
  broker: MemoryBroker,
  metrics: Metrics,
  logger: Logger,
  asyncEngine: () => AsyncEngine | undefined,
): Destinations {
  const cache = new Map<string, Destination>();
  const list = allConnectors(broker);

  const make = (address: string): Destination => {
    const fn = /^arn:[\w-]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(address)?.[1];
    if (fn !== undefined) {
      // Another function as destination: the record is its event, invoked asynchronously (ASY-11).
      return {
        arn: address,
        send: async (record, ctx) => {
          const engine = asyncEngine();
          if (engine === undefined) throw new SluiceError('NotReady', 'async engine not started');
          // The trace header carries the chain's Lineage, so a loop through destinations is stopped (ERR-6).
          await engine.submit(fn, Buffer.from(bodyOf(record)), randomUUID(), undefined, ctx.traceHeader);
        },
        close: () => Promise.resolve(),
      };
    }
    if (/^https?:\/\//.test(address)) {
      // A connection's headers go only to URLs under its own baseUrl (checked again here, not only at config time).
      return httpDestination(address, httpConnectionFor(config.connections, address)?.connection.headers ?? {});
    }
    const connector = findConnector(list, address);
    if (connector?.createDestination === undefined)
      throw new SluiceError('UnsupportedDestination', `no connector can deliver to ${address}`);
    const type = connectionTypeOf(address);
    const connection = type === undefined ? undefined : connectionForType(config, type);
    return connector.createDestination(address, {
      connection: connection ?? {},
      region: config.region,
      accountId: config.accountId,
      logger: logger.child({ destination: address }),
      metrics,
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
