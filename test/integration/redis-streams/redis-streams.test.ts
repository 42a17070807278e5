// The Redis Streams source and destination against a real redis-server: consumer-group reads, acks only through
// the checkpoint store, pending re-read after a restart, XAUTOCLAIM of a dead consumer's entries.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  redisStreamsConnector,
  type RedisStreamRecord,
  type RedisStreamSource,
} from '../../../connectors/redis/index.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { ShardReader, StartPosition, StreamRecord } from '../../../src/ports/sources.js';
import { redisUrl } from './env.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const ctx = (extra: Record<string, unknown> = {}) => ({
  connection: { url: redisUrl(), blockMs: 50, ...extra },
  region: 'eu-west-1',
  accountId: '000000000000',
  logger: quiet,
  metrics: noopMetrics,
});

let redis: Redis;
const closers: Array<() => Promise<void>> = [];
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

function source(
  key: string,
  consumerName: string,
  from: StartPosition,
  extra: Record<string, unknown> = {},
  group: string | null = 'g1',
) {
  const src = redisStreamsConnector.createStreamSource!(
    `redis://${key}`,
    { mappingId: 'm2', consumerGroupId: group ?? undefined, startingPosition: from },
    ctx({ consumerName, ...extra }),
  ) as RedisStreamSource;
  closers.push(() => src.close());
  return src;
}

async function open(src: RedisStreamSource, from: StartPosition): Promise<ShardReader> {
  const [shard] = await src.listShards();
  return src.open(shard!, from);
}

async function readN(reader: ShardReader, n: number, ms = 5000): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n && Date.now() < deadline)
    out.push(...(await reader.read(n - out.length, new AbortController().signal)).records);
  return out;
}

async function add(key: string, n: number, tag = 'v'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await redis.xadd(key, '*', 'n', String(i), 'tag', tag))!);
  return ids;
}

const pendingCount = async (key: string) => ((await redis.xpending(key, 'g1')) as [number])[0];
const trim: StartPosition = { type: 'TRIM_HORIZON' };

describe('Redis Streams source (real redis-server)', () => {
  it("reads in id order with the documented record shape; acks only through the reader's commit", async () => {
    const key = `s-${randomUUID()}`;
    const ids = await add(key, 5);
    const src = source(key, 'c1', trim);
    const reader = await open(src, trim);
    const recs = await readN(reader, 5);
    expect(recs.map((r) => r.position)).toEqual(ids);
    const first = recs[0]!.record as unknown as RedisStreamRecord;
    expect(first).toEqual({
      eventSource: 'sluice:redis',
      eventVersion: '1.0',
      eventSourceARN: `redis://${key}`,
      eventID: `${key}:${ids[0]}`,
      awsRegion: 'eu-west-1',
      redis: {
        streamKey: key,
        id: ids[0],
        fields: { n: '0', tag: 'v' },
        arrivalTimestamp: Number(ids[0]!.split('-')[0]),
      },
    });
    expect(JSON.parse(src.events.event({ id: key, parentIds: [] }, recs.slice(0, 2)).toString())).toEqual({
      Records: [recs[0]!.record, recs[1]!.record],
    });
    expect(src.events.itemIdentifier(recs[2]!)).toBe(ids[2]);
    // Nothing is acknowledged by reading.
    expect(await pendingCount(key)).toBe(5);
    await reader.commit!(ids[2]!);
    expect(await pendingCount(key)).toBe(2);
    expect(src.positions).toBe('source');
  });

  it('a restarted consumer re-reads its own pending entries first, then new ones', async () => {
    const key = `s-${randomUUID()}`;
    const ids = await add(key, 4);
    const a = source(key, 'same', trim);
    const first = await open(a, trim);
    await readN(first, 4);
    await first.commit!(ids[1]!);
    await a.close();
    const more = await add(key, 2, 'later');
    const b = source(key, 'same', trim);
    const recs = await readN(await open(b, trim), 4);
    expect(recs.map((r) => r.position)).toEqual([ids[2], ids[3], ...more]);
  });

  it('a reopen after a read error does not hand out again what the engine still holds', async () => {
    const key = `s-${randomUUID()}`;
    const ids = await add(key, 3);
    const src = source(key, 'c1', trim);
    await readN(await open(src, trim), 3);
    const more = await add(key, 1);
    const again = await readN(await open(src, { type: 'AFTER', position: ids[2]! }), 1);
    expect(again.map((r) => r.position)).toEqual(more);
  });

  it("takes over a dead consumer's pending entries with XAUTOCLAIM after the idle time", async () => {
    const key = `s-${randomUUID()}`;
    const ids = await add(key, 3);
    const dead = source(key, 'dead', trim, { claimIdleMs: 300 });
    await readN(await open(dead, trim), 3);
    await dead.close(); // crashed: nothing acknowledged
    const alive = source(key, 'alive', trim, { claimIdleMs: 300, claimIntervalMs: 50 });
    const reader = await open(alive, trim);
    expect(await readN(reader, 1, 100)).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    const recs = await readN(reader, 3);
    expect(recs.map((r) => r.position)).toEqual(ids);
    await reader.commit!(ids[2]!);
    expect(await pendingCount(key)).toBe(0);
  });

  it('entries a live consumer still holds (a batch stuck retrying) are kept from XAUTOCLAIM', async () => {
    const key = `s-${randomUUID()}`;
    await add(key, 2);
    const slow = source(key, 'slow', trim, { claimIdleMs: 300 });
    await readN(await open(slow, trim), 2);
    const other = source(key, 'other', trim, { claimIdleMs: 300, claimIntervalMs: 50 });
    const reader = await open(other, trim);
    const deadline = Date.now() + 1200;
    const stolen: StreamRecord[] = [];
    while (Date.now() < deadline) stolen.push(...(await reader.read(10, new AbortController().signal)).records);
    expect(stolen).toEqual([]);
    expect(slow.heldCount).toBe(2);
  });

  it('LATEST creates the group at the end; AT_TIMESTAMP from the first entry at or after the time', async () => {
    const key = `s-${randomUUID()}`;
    await add(key, 2, 'old');
    await new Promise((r) => setTimeout(r, 5));
    const t = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const later = await add(key, 1, 'new');
    const latest: StartPosition = { type: 'LATEST' };
    const at: StartPosition = { type: 'AT_TIMESTAMP', timestampMs: t };
    const byTime = await readN(await open(source(key, 'x', at, {}, null), at), 1);
    expect(byTime.map((r) => r.position)).toEqual(later);
    const src = source(key, 'c1', latest);
    const reader = await open(src, latest);
    expect(await readN(reader, 1, 200)).toEqual([]);
    const newest = await add(key, 1);
    expect((await readN(reader, 1)).map((r) => r.position)).toEqual(newest);
    const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
    expect(groups.map((g) => g[1]).sort()).toEqual(['g1', 'sluice-m2']);
  });
});

describe('Redis stream destination (real redis-server)', () => {
  it('XADDs the JSON record in the field `record`', async () => {
    const key = `d-${randomUUID()}`;
    const dest = redisStreamsConnector.createDestination!(`redis://${key}`, ctx());
    const rec = { requestContext: { condition: 'RetryAttemptsExhausted' }, version: '1.0' };
    await dest.send(rec, { functionName: 'fn', attributes: { ErrorCode: { type: 'Number', value: '200' } } });
    await dest.close();
    const [[, fields]] = (await redis.xrange(key, '-', '+')) as [[string, string[]]];
    expect(fields).toEqual(['record', JSON.stringify(rec), 'function', 'fn', 'ErrorCode', '200']);
  });
});
