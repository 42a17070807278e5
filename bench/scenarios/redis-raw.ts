// The Redis bench's raw side: one loop per stream key on its own ioredis connection, at its best: XREADGROUP COUNT
// 1000 BLOCK 100 '>', hand the entries to the no-op handler BatchSize at a time, XACK the page pipelined (the next
// read is sent without waiting for the ack's reply), repeat. With `event`, each chunk is first turned into the same
// Lambda event bytes sluice builds (redis-event.ts): the fair baseline for sluice's per-record cost.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { OnRecords, RunningSide } from '../lib/side-runs.js';
import { redisEventBytes, type RawEntry } from './redis-event.js';

/** The raw loop reads whole pages of this many entries (handing them on BatchSize at a time). */
export const READ_COUNT = 1000;
/** XREADGROUP BLOCK of both sides (sluice's connector default). */
export const BLOCK_MS = 100;

/** Size of the last event the raw loop built: the no-op handler keeps it, so building it is never dead code. */
export let lastEventBytes = 0;

/** The `at` field of an entry's flat field list. */
function atOf(flat: readonly string[]): number {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === 'at') return Number(flat[i + 1]);
  return Number.NaN;
}

export async function createGroups(redis: Redis, keys: string[], group: string): Promise<void> {
  for (const key of keys) await redis.call('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM');
}

export async function rawSide(
  url: string,
  keys: string[],
  o: { batchSize: number; event?: { region: string } },
  on: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const { batchSize, event } = o;
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
        // The no-op handler gets the event, then the harness counts.
        if (event) lastEventBytes = redisEventBytes(key, event.region, chunk).length;
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
