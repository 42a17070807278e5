// Shared pieces of the scale curves: where the shared servers are, a no-op (optionally sleeping) in-process
// Invoker that counts records, stream engine options, and "run a mapping until N records are handled".
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { MemoryStream } from '../../connectors/memory/index.js';
import { systemClock } from '../../src/app/clock.js';
import { createStreamMapping, type StreamMapping } from '../../src/core/esm/stream-mapping.js';
import type { StreamMappingOptions } from '../../src/core/esm/stream-options.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import type { Logger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import type { CheckpointStore } from '../../src/ports/state.js';
import { MemoryCheckpointStore } from '../../src/state/memory.js';

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

interface ServersFile {
  servers?: { redis?: { url?: string }; sqs?: { endpoint?: string }; kafka?: { brokers?: string[] } };
}

function serversFile(): ServersFile {
  try {
    return JSON.parse(readFileSync('.services/servers.json', 'utf8')) as ServersFile;
  } catch {
    return {};
  }
}

/** SLUICE_REDIS_URL, else the shared test servers' Redis; undefined when there is none (the curve is skipped). */
export const redisUrl = (): string | undefined => process.env.SLUICE_REDIS_URL || serversFile().servers?.redis?.url;

/** SLUICE_SQS_ENDPOINT, else the shared ElasticMQ. */
export const sqsEndpoint = (): string | undefined =>
  process.env.SLUICE_SQS_ENDPOINT || serversFile().servers?.sqs?.endpoint;

/** SLUICE_KAFKA_BROKERS (comma-separated), else the shared Kafka. */
export function kafkaBrokers(): string[] | undefined {
  const env = (process.env.SLUICE_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (env.length > 0) return env;
  const file = serversFile().servers?.kafka?.brokers;
  return file !== undefined && file.length > 0 ? file : undefined;
}

// Every Kinesis-shaped and Redis record carries exactly one eventID; every Kafka record one timestampType.
const MARKERS = [Buffer.from('"eventID"'), Buffer.from('"timestampType"')];

/**
 * Records in an event, counted without parsing it (a no-op handler should cost next to nothing). Only right for
 * the benchmark's own data, whose payloads never contain these keys.
 */
export function countRecords(payload: Buffer): number {
  let n = 0;
  for (const m of MARKERS) for (let i = payload.indexOf(m); i !== -1; i = payload.indexOf(m, i + m.length)) n++;
  return n;
}

/** The handler: counts the records of each batch, optionally sleeps `sleepMs` (a handler that does work), succeeds. */
export function countingInvoker(onRecords: (n: number) => void, sleepMs = 0): Invoker {
  const ok = { kind: 'success' as const, payload: Buffer.from('null'), durationMs: 0, coldStart: false };
  return {
    has: () => true,
    invoke: async (_fn, req) => {
      if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
      onRecords(countRecords(req.payload));
      return { ...ok, durationMs: sleepMs };
    },
  };
}

/** Engine options as the app compiles them for a mapping with Lambda's defaults, overridable per curve. */
export function streamOptions(over: Partial<StreamMappingOptions> = {}): StreamMappingOptions {
  return {
    mappingId: `scale-${randomUUID()}`,
    functionName: 'noop',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
    batchSize: 100,
    maxBatchingWindowMs: 0,
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeMs: -1,
    reportBatchItemFailures: false,
    tumblingWindowMs: 0,
    startingPosition: { type: 'TRIM_HORIZON' },
    pollIntervalMs: 100,
    retryBackoff: { baseMs: 100, maxMs: 1000 },
    ...over,
  };
}

export function startMapping(
  source: StreamSource,
  invoker: Invoker,
  options: StreamMappingOptions,
  checkpoints: CheckpointStore | undefined = source.positions === 'engine' ? new MemoryCheckpointStore() : undefined,
): StreamMapping {
  const mapping = createStreamMapping({
    source,
    invoker,
    checkpoints,
    options,
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
  });
  void mapping.start();
  // Stopping also closes the source (its connections), as the app does.
  return {
    start: () => mapping.start(),
    discovery: () => mapping.discovery(),
    stop: async (graceMs) => {
      await mapping.stop(graceMs);
      await source.close();
    },
  };
}

/** A memory stream with `shards` shards holding `records` records of `bytes` bytes, spread over the shards. */
export function filledMemoryStream(shards: number, records: number, bytes = 100): MemoryStream {
  const stream = new MemoryStream(`scale-${randomUUID()}`, 'memory://stream/scale', {
    shards,
    retentionMs: 24 * 3600 * 1000,
    region: 'us-east-1',
  });
  const data = Buffer.from(JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) }));
  for (let i = 0; i < records; i++) stream.put(`pk-${i}`, data);
  return stream;
}

export interface Drained {
  handled: number;
  ms: number;
  /** records/s over the whole run (start of the mappings to the last record handled, or to the time limit). */
  rate: number;
}

/**
 * Starts consumers (which report records through the given callback), waits until `expected` records are
 * handled or `maxMs` passed, stops them, and returns the rate.
 */
export async function drain(
  expected: number,
  maxMs: number,
  start: (onRecords: (n: number) => void) => StreamMapping[] | Promise<StreamMapping[]>,
): Promise<Drained> {
  let handled = 0;
  let lastAt = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const t0 = performance.now();
  const mappings = await start((n) => {
    handled += n;
    lastAt = performance.now();
    // Also checked here: a source and handler that never leave the microtask queue starve the timer below.
    if (handled >= expected || lastAt - t0 >= maxMs) done();
  });
  const timer = setTimeout(done, maxMs);
  await finished;
  clearTimeout(timer);
  const ms = (handled >= expected ? lastAt : performance.now()) - t0;
  await Promise.all(mappings.map((m) => m.stop(2000)));
  return { handled, ms, rate: ms > 0 ? (handled / ms) * 1000 : 0 };
}

/** A short unreported drain so the first measured point does not pay for JIT warm-up. */
export async function warmUp(): Promise<void> {
  const stream = filledMemoryStream(4, 20_000);
  await drain(20_000, 3000, (on) => [startMapping(stream.source(), countingInvoker(on), streamOptions())]);
}

export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));
