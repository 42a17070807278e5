// The newest entries of a stream key by XREVRANGE: a plain read that neither joins the consumer group nor adds to
// its pending list, so a filter dry-run (`sluice test-pattern --mapping`, #21) moves nothing.
import type { Redis } from 'ioredis';
import type { StreamRecord } from '../../src/ports/sources.js';
import { toRedisRecord, toStreamRecord, type RawEntry } from './event.js';

export async function sampleStreamKey(
  redis: Redis,
  key: string,
  limit: number,
  region: string,
  partitionKeyField?: string,
): Promise<Array<StreamRecord & { shardId: string }>> {
  const entries = (await redis.call('XREVRANGE', key, '+', '-', 'COUNT', String(Math.max(1, limit)))) as RawEntry[];
  return entries
    .filter((e): e is [string, string[]] => e[1] !== null)
    .reverse()
    .map(([id, flat]) =>
      // a class with a lazily parsed `record`: add the shard to it rather than spreading it into a plain object
      Object.assign(toStreamRecord(toRedisRecord(key, id, flat, region), partitionKeyField), {
        shardId: key,
      }),
    );
}
