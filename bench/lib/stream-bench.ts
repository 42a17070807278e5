// The side-by-side harness of the stream sources (Kinesis, DynamoDB Streams): sluice's stream engine over the real
// connector with a no-op in-process handler, against a raw GetRecords loop per shard with the same client library.
//   1. throughput: `total` records already in the stream (counted by a raw pass first), read from TRIM_HORIZON
//      until all reached the handler (counted, not parsed), rounds alternating raw/sluice on the same stream, the
//      median with its spread;
//   2. latency: records written at a steady rate while the consumer reads from LATEST; write-to-handler p50/p99
//      from a timestamp carried in each record.
// Both consumers sleep `pollMs` after an empty page.
import { createStreamMapping } from '../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import { MemoryCheckpointStore } from '../../src/state/memory.js';
import { quantiles } from './measure.js';
import { serverCpuOf, TreeCpuMeter, type ServerCpu } from './proc-cpu.js';
import { countAtBuild } from './noop-stream-mapping.js';
import { profiled } from './side-runs.js';
import { CostMeter, quietLogger, sleep, systemClock } from './runtime.js';
import { fromRounds } from './stats.js';
import type { BenchContext, Side } from './types.js';

export type From = 'TRIM_HORIZON' | 'LATEST';
/** Called once per record a consumer hands to its "handler", with the write time carried in the record. */
export type OnRecord = (writtenAtMs: number) => void;
/** The raw loop's per-record callback: the SDK's record, read (parsed) only by the latency run. */
export type OnRawRecord = (record: unknown) => void;

export interface Consumer {
  stop(): Promise<void>;
}

/** One stream (or table stream) on the server, with both ways of reading it. */
export interface BenchStream {
  /** Writes `n` records carrying Date.now() at write time; `from` numbers their keys. */
  write(n: number, from: number): Promise<void>;
  /** The raw baseline: a GetRecords loop per shard. */
  raw(from: From, onRecord: OnRawRecord, pollMs: number, stop: AbortSignal): Promise<Array<Promise<void>>>;
  /** The write time carried in one record of the raw loop's GetRecords page. */
  rawRecordAt(record: unknown): number;
  /** A fresh sluice source over this stream (closed by the harness). */
  source(): StreamSource;
  /** The write time carried in one record of the Lambda event sluice built. */
  eventRecordAt(record: unknown): number;
  destroy(): Promise<void>;
}

export interface StreamBenchConfig {
  total: number;
  rounds: number;
  batchSize: number;
  pollMs: number;
  /** Records/s during the latency run, for `latencySeconds`. */
  rate: number;
  latencySeconds: number;
}

export interface StreamBenchResult {
  sluice: Side;
  raw: Side;
  /** The server's CPU (% of one core) while each side drained the backlog, when its pid was given. */
  serverCpu: ServerCpu;
}

async function rawConsumer(
  stream: BenchStream,
  from: From,
  onRecord: OnRecord,
  pollMs: number,
  timed: boolean,
): Promise<Consumer> {
  const stop = new AbortController();
  const on: OnRawRecord = timed ? (r) => onRecord(stream.rawRecordAt(r)) : () => onRecord(Number.NaN);
  const loops = await stream.raw(from, on, pollMs, stop.signal);
  return {
    stop: async () => {
      stop.abort();
      await Promise.all(loops);
    },
  };
}

async function sluiceConsumer(
  stream: BenchStream,
  from: From,
  onRecord: OnRecord,
  cfg: StreamBenchConfig,
  label: string,
  timed: boolean,
): Promise<Consumer> {
  const source = stream.source();
  // Throughput counts the records the engine built the event from (no parsing); latency parses write times.
  const count = countAtBuild([source]);
  const invoker: Invoker = {
    has: () => true,
    invoke: (_fn, req) => {
      if (!timed) {
        for (let n = count(); n > 0; n--) onRecord(Number.NaN);
        return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false });
      }
      const event = JSON.parse(req.payload.toString('utf8')) as { Records: unknown[] };
      for (const r of event.Records) onRecord(stream.eventRecordAt(r));
      return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false });
    },
  };
  const mapping = createStreamMapping({
    source,
    invoker,
    checkpoints: new MemoryCheckpointStore(),
    options: {
      mappingId: `bench-${label}`,
      functionName: 'noop',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
      batchSize: cfg.batchSize,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition: { type: from },
      pollIntervalMs: cfg.pollMs,
      retryBackoff: { baseMs: 100, maxMs: 1000 },
    },
    metrics: noopMetrics,
    clock: systemClock,
    logger: quietLogger,
  });
  await mapping.start();
  return {
    stop: async () => {
      await mapping.stop(1000);
      await source.close();
    },
  };
}

type Kind = 'raw' | 'sluice';

function consumer(kind: Kind, stream: BenchStream, from: From, onRecord: OnRecord, cfg: StreamBenchConfig) {
  const timed = from === 'LATEST';
  return kind === 'raw'
    ? rawConsumer(stream, from, onRecord, cfg.pollMs, timed)
    : sluiceConsumer(stream, from, onRecord, cfg, `${from}-${Date.now()}`, timed);
}

/** Records/s reading the whole pre-written stream; fails when not every record arrives within `timeoutMs`. */
async function throughput(
  kind: Kind,
  stream: BenchStream,
  cfg: StreamBenchConfig,
  meter: CostMeter,
  server: TreeCpuMeter | undefined,
) {
  return meter.measure(async () => {
    let seen = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const timeoutMs = 60_000 + cfg.total; // generous: a stall is a bug, not a slow run
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const start = performance.now();
    // The server's CPU over the same window as the rate.
    const drain = async () => {
      const c = await consumer(kind, stream, 'TRIM_HORIZON', () => ++seen >= cfg.total && done(), cfg);
      return { c, outcome: await Promise.race([all, timedOut]) };
    };
    const { c, outcome } = server ? await server.measure(drain) : await drain();
    clearTimeout(timer);
    const ms = performance.now() - start;
    await c.stop();
    if (outcome === 'timeout') throw new Error(`${kind}: ${seen} of ${cfg.total} records after ${timeoutMs} ms`);
    return (cfg.total / ms) * 1000;
  });
}

/**
 * Count at build: a raw pass over the whole stream finds exactly `total` records (none missing, none extra) before
 * any side is timed. It also warms the server's read path for both sides alike.
 */
async function checkBacklog(stream: BenchStream, cfg: StreamBenchConfig): Promise<void> {
  let seen = 0;
  const c = await rawConsumer(stream, 'TRIM_HORIZON', () => seen++, cfg.pollMs, false);
  try {
    const deadline = Date.now() + 60_000 + cfg.total;
    while (seen < cfg.total && Date.now() < deadline) await sleep(50);
    await sleep(3 * cfg.pollMs); // anything beyond `total` shows up too
  } finally {
    await c.stop();
  }
  if (seen !== cfg.total) throw new Error(`the stream holds ${seen} records, expected ${cfg.total}`);
}

/** `keyBase` numbers the new records' keys after every earlier one, so each write is a new item (an INSERT). */
async function latency(kind: Kind, stream: BenchStream, cfg: StreamBenchConfig, keyBase: number): Promise<number[]> {
  const lat: number[] = [];
  const c = await consumer(kind, stream, 'LATEST', (at) => lat.push(Date.now() - at), cfg);
  try {
    // Let every shard get its LATEST iterator before the first write.
    await sleep(2 * cfg.pollMs + 300);
    const perTick = Math.max(1, Math.round(cfg.rate / 10));
    const want = perTick * 10 * cfg.latencySeconds;
    for (let sent = 0; sent < want; sent += perTick) {
      const tick = Date.now();
      await stream.write(perTick, keyBase + sent);
      await sleep(Math.max(0, 100 - (Date.now() - tick)));
    }
    const deadline = Date.now() + 10_000;
    while (lat.length < want && Date.now() < deadline) await sleep(20);
    if (lat.length < want) throw new Error(`${kind} latency run: ${lat.length} of ${want} records arrived`);
    return lat;
  } finally {
    await c.stop();
  }
}

/**
 * Runs both measurements on one stream: the throughput rounds over `total` pre-written records, then the latency
 * runs from LATEST, which start past them. One stream per run keeps the server small: DynamoDB Local's stream
 * writes get slower with every stream it keeps (24 h, even for deleted tables).
 */
export async function runStreamBench(
  ctx: BenchContext,
  cfg: StreamBenchConfig,
  create: (label: string) => Promise<BenchStream>,
  serverPid?: number,
): Promise<StreamBenchResult> {
  const servers =
    serverPid === undefined ? undefined : { raw: new TreeCpuMeter(serverPid), sluice: new TreeCpuMeter(serverPid) };
  const rates: Record<Kind, number[]> = { raw: [], sluice: [] };
  const meters: Record<Kind, CostMeter> = { raw: new CostMeter(), sluice: new CostMeter() };
  const lat: Record<Kind, number[]> = { raw: [], sluice: [] };
  ctx.progress(`writing ${cfg.total} records`);
  const stream = await create('bench');
  try {
    await stream.write(cfg.total, 0);
    ctx.progress(`counting the ${cfg.total} records`);
    await checkBacklog(stream, cfg);
    for (let round = 0; round < cfg.rounds; round++) {
      const order: Kind[] = round % 2 === 0 ? ['raw', 'sluice'] : ['sluice', 'raw'];
      for (const kind of order) {
        ctx.progress(`throughput round ${round + 1}/${cfg.rounds}: ${kind}`);
        const run = () => throughput(kind, stream, cfg, meters[kind], servers?.[kind]);
        rates[kind].push(await profiled(`stream-${kind}-${round + 1}`, run));
      }
    }
    for (const [i, kind] of (['raw', 'sluice'] as const).entries()) {
      ctx.progress(`latency at ${cfg.rate}/s for ${cfg.latencySeconds} s: ${kind}`);
      lat[kind] = await latency(kind, stream, cfg, cfg.total + i * cfg.rate * (cfg.latencySeconds + 1));
    }
  } finally {
    await stream.destroy();
  }
  const side = (kind: Kind): Side => ({
    ...fromRounds(rates[kind]),
    latency: quantiles(lat[kind]),
    cost: meters[kind].cost(),
  });
  return {
    sluice: side('sluice'),
    raw: side('raw'),
    serverCpu: serverCpuOf(servers),
  };
}
