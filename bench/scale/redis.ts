// Redis Streams side of the curves: preloaded stream keys and sluice's Redis stream source over them.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisStreamsConnector } from '../../connectors/redis/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import { quiet } from './common.js';

export interface RedisKeys {
  keys: string[];
  /** A sluice stream source (one shard) over key i, reading from the start. */
  source(i: number, mappingId: string): StreamSource;
  cleanup(): Promise<void>;
}

/** `count` fresh stream keys, each preloaded with `perKey` entries of ~`bytes` bytes (pipelined XADD). */
export async function preloadRedisKeys(url: string, count: number, perKey: number, bytes = 100): Promise<RedisKeys> {
  const redis = new Redis(url, { protocol: 2 });
  const run = randomUUID().slice(0, 8);
  const keys = Array.from({ length: count }, (_v, i) => `scale-${run}-${i}`);
  const body = 'x'.repeat(bytes);
  for (const key of keys)
    for (let sent = 0; sent < perKey; sent += 1000) {
      const p = redis.pipeline();
      for (let j = 0; j < Math.min(1000, perKey - sent); j++) p.xadd(key, '*', 'n', String(sent + j), 'body', body);
      await p.exec();
    }
  return {
    keys,
    source: (i, mappingId) =>
      redisStreamsConnector.createStreamSource!(
        `redis://${keys[i]}`,
        { mappingId, startingPosition: { type: 'TRIM_HORIZON' } },
        { connection: { url }, region: 'us-east-1', accountId: '0', logger: quiet, metrics: noopMetrics },
      ),
    cleanup: async () => {
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}
