// Redis Streams: sluice against a raw XREADGROUP + XACK loop on the same redis-server, same entries.
//   sluice: one stream mapping per stream key (the engine over the Redis Streams connector's StreamSource:
//     pending re-read, XAUTOCLAIM, XREADGROUP '>' with BLOCK on its own connection), BatchSize entries per
//     invocation of a no-op in-process function, one batch in flight per key, entries acknowledged (XACK) through
//     the source's CheckpointStore after each batch, as the service wires a Redis mapping (src/app/mappings.ts).
//   rawEvent: one loop per stream key at its best (redis-raw.ts: XREADGROUP COUNT 1000, pipelined XACK) building
//     the same Lambda event bytes as sluice for each BatchSize chunk (redis-event.ts): the row the README shows.
//   raw: the same loop counting only (no event): the client's bare ceiling, a row of its own.
// Both start from a consumer group created at 0. Counting costs neither side anything (the raw side takes the
// array length, sluice the number of records the engine built the event from); only the latency phase parses.
//   1. throughput: N entries preloaded over K keys (XLEN checked), a fresh group reads them all; alternate rounds,
//      the median counts, the spread is printed.
//   2. latency: entries added at a steady rate (field `at` = add time) to fresh keys the consumer already reads;
//      p50/p99 of handler time minus `at`.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisStreamsConnector, type RedisStreamSource } from '../../connectors/redis/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { countAtBuild, noopInvoker, quiet, startNoopMapping } from '../lib/noop-stream-mapping.js';
import { redisUrl } from '../lib/servers.js';
import {
  compareThroughput,
  roundCpu,
  roundParams,
  roundRates,
  sparseParams,
  SPARSE_RATE,
  SPARSE_SECONDS,
  measureLatency,
  sideOf,
  type OnRecords,
  type RunningSide,
  type StartSide,
} from '../lib/side-runs.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';
import { BLOCK_MS, rawSide } from './redis-raw.js';

export interface RedisBenchParams {
  entries: number;
  /** Stream keys: sluice runs one mapping per key, the raw side one loop per key. */
  keys: number;
  bodyBytes: number;
  batchSize: number;
  rounds: number;
  rate: number;
  seconds: number;
  sides?: Array<'rawEvent' | 'raw' | 'sluice'>;
  /** A second, sparse latency run (records/s, seconds): what the first record after an idle moment waits. */
  sparseRate?: number;
  sparseSeconds?: number;
  /** sluice's idle poll after an empty read (default: the service's tuning.streamPollIntervalMs, 1000). */
  pollIntervalMs?: number;
  /** false: throughput only (the record-size rows). */
  latency?: boolean;
}

const FULL: RedisBenchParams = {
  entries: 300_000,
  keys: 1,
  bodyBytes: 100,
  batchSize: 100,
  rounds: 3,
  rate: 500,
  seconds: 5,
};
// Quick runs still last long enough for a stable rate (20,000 entries were gone in 0.1 s).
const QUICK: RedisBenchParams = { ...FULL, entries: 100_000, rounds: 3, seconds: 2 };
/** The service's default idle cadence (tuning.streamPollIntervalMs). */
const DEFAULT_POLL_MS = 1000;
/** The region both sides write into the records. */
const REGION = 'us-east-1';

async function preload(redis: Redis, keys: string[], p: RedisBenchParams): Promise<void> {
  const body = 'x'.repeat(p.bodyBytes);
  for (let sent = 0; sent < p.entries; sent += 1000) {
    const pipe = redis.pipeline();
    for (let i = sent; i < Math.min(p.entries, sent + 1000); i++)
      pipe.xadd(keys[i % keys.length]!, '*', 'n', String(i), 'body', body);
    await pipe.exec();
  }
}

/** Count at build: the whole backlog is there before any clock starts. */
async function checkBacklog(redis: Redis, keys: string[], want: number): Promise<void> {
  let got = 0;
  for (const key of keys) got += await redis.xlen(key);
  if (got !== want) throw new Error(`redis backlog holds ${got} entries, expected ${want}`);
}

async function sluiceSide(
  url: string,
  keys: string[],
  batchSize: number,
  pollIntervalMs: number,
  on: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const group = `bench-sluice-${randomUUID()}`;
  const sources = keys.map((key) => {
    const mappingId = `${group}-${key}`;
    const source = redisStreamsConnector.createStreamSource!(
      `redis://${key}`,
      { mappingId, consumerGroupId: group, startingPosition: { type: 'TRIM_HORIZON' }, functionName: 'noop' },
      {
        connection: { url, blockMs: BLOCK_MS },
        region: REGION,
        accountId: '000000000000',
        logger: quiet,
        metrics: noopMetrics,
      },
    ) as RedisStreamSource;
    return { mappingId, source };
  });
  const count = countAtBuild(sources.map((s) => s.source));
  const invoker = noopInvoker((payload) => {
    if (!timed) return on(count());
    const event = JSON.parse(payload.toString('utf8')) as { Records: Array<{ redis: { fields: { at: string } } }> };
    on(
      event.Records.length,
      event.Records.map((r) => Number(r.redis.fields.at)),
    );
  });
  // The group exists (at 0) before the clock starts, as on the raw side; the engine's own XGROUP CREATE finds it.
  for (const { source } of sources) await source.ensureGroup({ type: 'TRIM_HORIZON' });
  const readyAt = process.hrtime.bigint();
  const mappings = await Promise.all(
    sources.map(({ mappingId, source }) =>
      startNoopMapping(source, invoker, { mappingId, batchSize, maxBatchingWindowMs: 0, pollIntervalMs }),
    ),
  );
  return { readyAt, stop: async () => void (await Promise.all(mappings.map((m) => m.stop()))) };
}

type RedisSide = 'rawEvent' | 'raw' | 'sluice';
const NO_LATENCY = { p50: Number.NaN, p99: Number.NaN, samples: 0 };

async function runOne(ctx: BenchContext, p: RedisBenchParams): Promise<BenchRow[]> {
  const url = redisUrl();
  const redis = new Redis(url, { protocol: 2 });
  const keysOf = (prefix: string) => Array.from({ length: p.keys }, (_, i) => `${prefix}-${randomUUID()}-${i}`);
  const progress = (m: string) => ctx.progress(`redis (${p.keys} key${p.keys > 1 ? 's' : ''}): ${m}`);
  const sidesOn = (keys: string[]): Record<RedisSide, StartSide> => ({
    rawEvent: (on, timed) => rawSide(url, keys, { batchSize: p.batchSize, event: { region: REGION } }, on, timed),
    raw: (on, timed) => rawSide(url, keys, { batchSize: p.batchSize }, on, timed),
    sluice: (on, timed) => sluiceSide(url, keys, p.batchSize, p.pollIntervalMs ?? DEFAULT_POLL_MS, on, timed),
  });
  const sides: RedisSide[] = p.sides ?? (p.latency === false ? ['rawEvent', 'sluice'] : ['rawEvent', 'sluice', 'raw']);
  const keys = keysOf('bench');
  const made: string[] = [...keys];
  try {
    progress(`adding ${p.entries} entries`);
    await preload(redis, keys, p);
    await checkBacklog(redis, keys, p.entries);
    // Each round is a fresh consumer group over the same entries.
    const tp = await compareThroughput(sidesOn(keys), p.entries, p.rounds, progress, sides);
    const latency = async (name: RedisSide, rate = p.rate, seconds = p.seconds) => {
      if (p.latency === false || !sides.includes(name)) return NO_LATENCY;
      progress(`latency at ${rate} entries/s, ${name}`);
      const fresh = keysOf('bench-lat');
      made.push(...fresh);
      const body = 'x'.repeat(p.bodyBytes);
      return measureLatency(
        sidesOn(fresh)[name],
        async (n, from) => {
          const at = String(Date.now());
          const pipe = redis.pipeline();
          for (let i = from; i < from + n; i++) pipe.xadd(fresh[i % fresh.length]!, '*', 'at', at, 'body', body);
          await pipe.exec();
        },
        rate,
        seconds,
      );
    };
    const sparse = [p.sparseRate ?? SPARSE_RATE, p.sparseSeconds ?? SPARSE_SECONDS] as const;
    const lat = {
      raw: await latency('rawEvent'),
      sluice: await latency('sluice'),
      rawSparse: await latency('rawEvent', ...sparse),
      sluiceSparse: await latency('sluice', ...sparse),
    };
    const name = `${p.keys} stream key${p.keys > 1 ? 's' : ''}, BatchSize ${p.batchSize}, ${p.bodyBytes} B body`;
    const sluice = sideOf(tp.rounds.sluice, lat.sluice);
    const base = { keys: p.keys, entries: p.entries, bodyBytes: p.bodyBytes, batchSize: p.batchSize, rounds: p.rounds };
    const rows: BenchRow[] = [
      {
        group: 'redis',
        rawLoop: '`XREADGROUP COUNT 1000` + pipelined `XACK`, building the same event',
        name,
        unit: 'records/s',
        sluice,
        raw: sideOf(tp.rounds.rawEvent, lat.raw),
        x: p.keys,
        params: {
          ...base,
          ...(p.latency === false
            ? {}
            : { latencyRate: p.rate, latencySeconds: p.seconds, ...sparseParams(lat, p.sparseRate ?? SPARSE_RATE) }),
          ...roundParams(tp.rounds.rawEvent, tp.rounds.sluice),
        },
        notes:
          'sluice = engine + Redis Streams connector + no-op handler, XACK per batch through the source; raw = ' +
          'XREADGROUP COUNT 1000 + pipelined XACK loop per key building the same Lambda event bytes per BatchSize ' +
          'chunk. Median of rounds; latency = XADD time to handler.',
      },
    ];
    if (sides.includes('raw'))
      rows.push({
        group: 'redis',
        rawLoop: '`XREADGROUP COUNT 1000` + pipelined `XACK`, no event (bare client)',
        name: `${name}, raw = no event`,
        unit: 'records/s',
        sluice,
        raw: sideOf(tp.rounds.raw),
        params: {
          ...base,
          rawRates: roundRates(tp.rounds.raw),
          sluiceRates: roundRates(tp.rounds.sluice),
          rawCpuUsPerRecord: roundCpu(tp.rounds.raw),
        },
        notes:
          'the same sluice rounds as the first row; raw = the same loop counting entries without building the event.',
      });
    return rows;
  } finally {
    for (let i = 0; i < made.length; i += 100) await redis.del(...made.slice(i, i + 100));
    await redis.quit();
  }
}

export function runRedisBench(ctx: BenchContext, p: RedisBenchParams): Promise<BenchRow[]> {
  return runOne(ctx, p);
}

/** Record-size rows: throughput only, fewer entries so 100 KB bodies stay a few hundred MB on the shared server. */
const sized = (p: RedisBenchParams, bodyBytes: number, entries: number): RedisBenchParams => ({
  ...p,
  bodyBytes,
  entries,
  latency: false,
});

export const redisScenario: Scenario = {
  id: 'redis',
  title: 'Redis Streams: sluice vs raw XREADGROUP COUNT 1000 + pipelined XACK',
  run: async (ctx) => {
    const p = ctx.quick ? QUICK : FULL;
    const rows = await runRedisBench(ctx, p);
    if (!ctx.quick) rows.push(...(await runRedisBench(ctx, { ...FULL, keys: 4 })));
    rows.push(...(await runRedisBench(ctx, sized(p, 1024, ctx.quick ? 50_000 : 100_000))));
    rows.push(...(await runRedisBench(ctx, sized(p, 100 * 1024, ctx.quick ? 1_000 : 3_000))));
    return rows;
  },
};
