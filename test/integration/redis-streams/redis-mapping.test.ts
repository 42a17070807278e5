// The stream engine over the Redis Streams source on a real redis-server: two sluice processes (two consumers in
// one group) share a stream; a failing batch is retried; every entry is processed and acknowledged exactly once.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redisStreamsConnector, type RedisStreamSource } from '../../../connectors/redis/index.js';
import { systemClock } from '../../../src/app/clock.js';
import { createStreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { redisUrl } from './env.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
});

function invoker(count: Map<string, number>, failures: { left: number }): Invoker {
  return {
    has: () => true,
    invoke: (_fn, req): Promise<InvokeResult> => {
      const event = JSON.parse(Buffer.from(req.payload).toString()) as {
        Records: Array<{ redis: { fields: { n: string } } }>;
      };
      if (failures.left > 0) {
        failures.left--;
        return Promise.resolve({
          kind: 'function-error',
          payload: Buffer.from('{}'),
          errorType: 'Error',
          durationMs: 1,
          coldStart: false,
        });
      }
      for (const r of event.Records) count.set(r.redis.fields.n, (count.get(r.redis.fields.n) ?? 0) + 1);
      return Promise.resolve({ kind: 'success', payload: Buffer.from(''), durationMs: 1, coldStart: false });
    },
  };
}

describe('stream engine over Redis Streams (real redis-server)', () => {
  it('two consumers in one group share the stream; retried batches; every entry processed and acked once', async () => {
    const key = `m-${randomUUID()}`;
    const redis = new Redis(redisUrl(), { protocol: 2 });
    stops.push(async () => {
      await redis.del(key);
      await redis.quit();
    });
    for (let i = 0; i < 300; i++) await redis.xadd(key, '*', 'n', String(i));
    const count = new Map<string, number>();
    const failures = { left: 3 };
    for (const name of ['a', 'b']) {
      const source = redisStreamsConnector.createStreamSource!(
        `redis://${key}`,
        { mappingId: 'mapping-1', startingPosition: { type: 'TRIM_HORIZON' } },
        {
          connection: { url: redisUrl(), consumerName: name },
          region: 'us-east-1',
          accountId: '0',
          logger: quiet,
          metrics: noopMetrics,
        },
      ) as RedisStreamSource;
      const mapping = createStreamMapping({
        source,
        invoker: invoker(count, failures),
        metrics: noopMetrics,
        clock: systemClock,
        logger: quiet,
        options: {
          mappingId: 'mapping-1',
          functionName: 'fn',
          functionArn: 'arn:aws:lambda:us-east-1:0:function:fn',
          batchSize: 20,
          maxBatchingWindowMs: 0,
          parallelizationFactor: 1,
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: -1,
          maximumRecordAgeMs: -1,
          reportBatchItemFailures: false,
          tumblingWindowMs: 0,
          startingPosition: { type: 'TRIM_HORIZON' },
          pollIntervalMs: 50,
          retryBackoff: { baseMs: 20, maxMs: 200 },
        },
      });
      await mapping.start();
      stops.push(async () => {
        await mapping.stop(2000);
        await source.close();
      });
    }
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      // NOGROUP until a worker has opened the stream.
      const pending = await redis.xpending(key, 'sluice-mapping-1').then(
        (r) => (r as [number])[0],
        () => -1,
      );
      if (count.size === 300 && pending === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(count.size).toBe(300);
    expect([...count.values()].every((c) => c === 1)).toBe(true);
    expect(((await redis.xpending(key, 'sluice-mapping-1')) as [number])[0]).toBe(0);
  });
});
