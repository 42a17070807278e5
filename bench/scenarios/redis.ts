// Redis Streams: sluice against a raw XREADGROUP + XACK loop on the same redis-server, same entries.
//   sluice: one stream mapping per stream key (the engine over the Redis Streams connector's StreamSource:
//     pending re-read, XAUTOCLAIM, XREADGROUP '>' with BLOCK on its own connection), BatchSize entries per
//     invocation of a no-op in-process function, one batch in flight per key, entries acknowledged (XACK) through
//     the source's CheckpointStore after each batch, as the service wires a Redis mapping (src/app/mappings.ts).
//   raw: one loop per stream key on its own ioredis connection, at its best: XREADGROUP COUNT 1000 BLOCK 100 '>',
//     hand the entries to the same no-op handler BatchSize at a time, XACK the page pipelined (the next read is
//     sent without waiting for the ack's reply), repeat.
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
  sparseParams,
  SPARSE_RATE,
  SPARSE_SECONDS,
  measureLatency,
  roundParams,
  sideOf,
  type OnRecords,
  type RunningSide,
  type StartSide,
} from '../lib/side-runs.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';

export interface RedisBenchParams {
  entries: number;
  /** Stream keys: sluice runs one mapping per key, the raw side one loop per key. */
  keys: number;
  bodyBytes: number;
  batchSize: number;
  rounds: number;
  rate: number;
  seconds: number;
  sides?: Array<'raw' | 'sluice'>;
  /** A second, sparse latency run (records/s, seconds): what the first record after an idle moment waits. */
  sparseRate?: number;
  sparseSeconds?: number;
  /** sluice's idle poll after an empty read (default: the service's tuning.streamPollIntervalMs, 1000). */
  pollIntervalMs?: number;
  /** false: throughput only (the record-size rows). */
  latency?: boolean;
}

const FULL: RedisBenchParams = {
  entries: 100_000,
  keys: 1,
  bodyBytes: 100,
  batchSize: 100,
  rounds: 3,
  rate: 500,
  seconds: 5,
};
const QUICK: RedisBenchParams = { ...FULL, entries: 20_000, rounds: 3, seconds: 2 };
/** The raw loop reads whole pages of this many entries (handing them on BatchSize at a time). */
const READ_COUNT = 1000;
/** XREADGROUP BLOCK of both sides (sluice's connector default). */
const BLOCK_MS = 100;
/** The service's default idle cadence (tuning.streamPollIntervalMs). */
const DEFAULT_POLL_MS = 1000;

type RawEntry = [string, string[]];

/** The `at` field of an entry's flat field list. */
function atOf(flat: readonly string[]): number {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === 'at') return Number(flat[i + 1]);
  return Number.NaN;
}

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

async function createGroups(redis: Redis, keys: string[], group: string): Promise<void> {
  for (const key of keys) await redis.call('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM');
}

async function rawSide(
  url: string,
  keys: string[],
  batchSize: number,
  on: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const group = `bench-raw-${randomUUID()}`;
  const conns = keys.map(() => new Redis(url, { protocol: 2 }));
  await createGroups(conns[0]!, keys, group);
  let running = true;
  const readyAt = process.hrtime.bigint();
  // Acks in flight: not awaited before the next read (the connection pipelines them), awaited on stop.
  const acks: Array<Promise<unknown>> = [];
  const loops = keys.map(async (key, i) => {
    const redis = conns[i]!;
    while (running) {
      const reply = (await redis.call(
        'XREADGROUP',
        'GROUP',
        group,
        'c',
        'COUNT',
        Math.max(READ_COUNT, batchSize),
        'BLOCK',
        BLOCK_MS,
        'STREAMS',
        key,
        '>',
      )) as Array<[string, RawEntry[]]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (let at = 0; at < entries.length; at += batchSize) {
        const chunk = entries.slice(at, at + batchSize);
        // The no-op handler, then the harness's count.
        on(chunk.length, timed ? chunk.map(([, flat]) => atOf(flat)) : undefined);
      }
      acks.push(redis.call('XACK', key, group, ...entries.map(([id]) => id)));
      if (acks.length > 64) await acks.shift();
    }
  });
  return {
    readyAt,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(acks);
      await Promise.all(conns.map((c) => c.quit()));
    },
  };
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
        region: 'us-east-1',
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

async function runOne(ctx: BenchContext, p: RedisBenchParams): Promise<BenchRow> {
  const url = redisUrl();
  const redis = new Redis(url, { protocol: 2 });
  const keysOf = (prefix: string) => Array.from({ length: p.keys }, (_, i) => `${prefix}-${randomUUID()}-${i}`);
  const progress = (m: string) => ctx.progress(`redis (${p.keys} key${p.keys > 1 ? 's' : ''}): ${m}`);
  const sidesOn = (keys: string[]): Record<'raw' | 'sluice', StartSide> => ({
    raw: (on, timed) => rawSide(url, keys, p.batchSize, on, timed),
    sluice: (on, timed) => sluiceSide(url, keys, p.batchSize, p.pollIntervalMs ?? DEFAULT_POLL_MS, on, timed),
  });
  const keys = keysOf('bench');
  const made: string[] = [...keys];
  try {
    progress(`adding ${p.entries} entries`);
    await preload(redis, keys, p);
    await checkBacklog(redis, keys, p.entries);
    // Each round is a fresh consumer group over the same entries.
    const tp = await compareThroughput(sidesOn(keys), p.entries, p.rounds, progress, p.sides);
    const latency = async (name: 'raw' | 'sluice', rate = p.rate, seconds = p.seconds) => {
      if (p.latency === false || (p.sides && !p.sides.includes(name)))
        return { p50: Number.NaN, p99: Number.NaN, samples: 0 };
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
      raw: await latency('raw'),
      sluice: await latency('sluice'),
      rawSparse: await latency('raw', ...sparse),
      sluiceSparse: await latency('sluice', ...sparse),
    };
    return {
      group: 'redis',
      rawLoop: '`XREADGROUP COUNT 1000` + pipelined `XACK`',
      name: `${p.keys} stream key${p.keys > 1 ? 's' : ''}, BatchSize ${p.batchSize}, ${p.bodyBytes} B body`,
      unit: 'records/s',
      sluice: sideOf(tp.rounds.sluice, lat.sluice),
      raw: sideOf(tp.rounds.raw, lat.raw),
      x: p.keys,
      params: {
        keys: p.keys,
        entries: p.entries,
        bodyBytes: p.bodyBytes,
        batchSize: p.batchSize,
        rounds: p.rounds,
        latencyRate: p.rate,
        latencySeconds: p.seconds,
        ...sparseParams(lat, p.sparseRate ?? SPARSE_RATE),
        ...roundParams(tp),
      },
      notes:
        'sluice = engine + Redis Streams connector + no-op handler, XACK per batch through the source; ' +
        'raw = XREADGROUP COUNT 1000 + pipelined XACK loop per key. Median of rounds; latency = XADD time to handler.',
    };
  } finally {
    for (let i = 0; i < made.length; i += 100) await redis.del(...made.slice(i, i + 100));
    await redis.quit();
  }
}

export async function runRedisBench(ctx: BenchContext, p: RedisBenchParams): Promise<BenchRow[]> {
  return [await runOne(ctx, p)];
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
    rows.push(...(await runRedisBench(ctx, sized(p, 1024, ctx.quick ? 10_000 : 50_000))));
    rows.push(...(await runRedisBench(ctx, sized(p, 100 * 1024, ctx.quick ? 1_000 : 3_000))));
    return rows;
  },
};
