// The newest entries of a stream key by XREVRANGE: a plain read that neither joins the consumer group nor adds to
// its pending list, so a filter dry-run (`sluice test-pattern --mapping`, #21) moves nothing.
import type { Redis } from 'ioredis';
import type { ShardRecord } from '../../src/ports/sources.js';
import { redisRecordShape, type RawEntry } from './event.js';
import { redisStreamRecord } from './read-pack.js';

export async function sampleStreamKey(
  redis: Redis,
  key: string,
  limit: number,
  region: string,
  partitionKeyField?: string,
): Promise<ShardRecord[]> {
  const entries = (await redis.call('XREVRANGE', key, '+', '-', 'COUNT', String(Math.max(1, limit)))) as RawEntry[];
  const shape = redisRecordShape(key, region);
  return entries
    .filter((e): e is [string, string[]] => e[1] !== null)
    .reverse()
    .map(([id, flat]) => ({
      shardId: key,
      record: redisStreamRecord(shape, id, flat, partitionKeyField),
    }));
}
