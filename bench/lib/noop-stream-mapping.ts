// sluice's side of the Kafka and Redis benchmarks: the stream engine (createStreamMapping) over a connector's
// StreamSource, which keeps its own positions (group commits / XACK through its readers) as the service wires it
// (src/app/mappings.ts), and a no-op in-process Invoker standing in for the function.
import { systemClock } from '../../src/app/clock.js';
import { createStreamMapping } from '../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import type { Logger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/**
 * How many records the event handed to the function next holds, without the harness scanning or parsing the
 * payload: the engine builds each event (source.events.event) right before it invokes, synchronously.
 */
export function countAtBuild(sources: readonly StreamSource[]): () => number {
  let last = 0;
  for (const source of sources) {
    const build = source.events.event.bind(source.events);
    source.events.event = (shard, records) => {
      last = records.length;
      return build(shard, records);
    };
  }
  return () => last;
}

/** A function that does nothing and succeeds; `onEvent` sees the event bytes (the harness's counting). */
export function noopInvoker(onEvent: (payload: Buffer) => void): Invoker {
  const result = { kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false } as const;
  return {
    has: () => true,
    invoke: (_fn, req) => {
      onEvent(req.payload);
      return Promise.resolve(result);
    },
  };
}

export interface RunningMapping {
  stop(): Promise<void>;
}

/** Starts a mapping the way the service does for Kafka/Redis: source-kept positions, no leases, no filter. */
export async function startNoopMapping(
  source: StreamSource,
  invoker: Invoker,
  opts: { mappingId: string; batchSize: number; maxBatchingWindowMs: number; pollIntervalMs: number },
): Promise<RunningMapping> {
  const mapping = createStreamMapping({
    source,
    invoker,
    options: {
      mappingId: opts.mappingId,
      functionName: 'noop',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
      batchSize: opts.batchSize,
      maxBatchingWindowMs: opts.maxBatchingWindowMs,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition: { type: 'TRIM_HORIZON' },
      pollIntervalMs: opts.pollIntervalMs,
      retryBackoff: { baseMs: 1000, maxMs: 180_000 },
    },
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
  });
  await mapping.start();
  return {
    stop: async () => {
      await mapping.stop(5000);
      await source.close();
    },
  };
}
