// Throughput vs BatchSize: a preloaded backlog on one shard drained by sluice's stream engine with a no-op handler.
// Two sources: the in-process memory stream (the engine's own ceiling, no network) and one Redis stream key on the
// shared Redis (a real broker: XREADGROUP + XACK round trips through sluice's Redis Streams connector).
import type { BenchRow, Scenario } from '../lib/types.js';
import { withCost } from '../lib/measure.js';
import {
  countingInvoker,
  drain,
  filledMemoryStream,
  redisUrl,
  round,
  startMapping,
  streamOptions,
  warmUp,
} from './common.js';
import { preloadRedisKeys } from './redis.js';

const SIZES = [1, 10, 100, 1000, 10_000];

/**
 * Enough records for 30 (quick) or 100 batches at each size, at least 5,000 / 20,000 so a run lasts long enough to
 * measure, at most 100,000 / 300,000.
 */
const recordsFor = (batch: number, quick: boolean): number =>
  quick ? Math.min(100_000, Math.max(5000, batch * 30)) : Math.min(300_000, Math.max(20_000, batch * 100));

export const batchSizeScenario: Scenario = {
  id: 'scale-batch-size',
  title: 'Throughput vs BatchSize (1 shard, no-op handler)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    await warmUp();
    const maxMs = ctx.quick ? 4000 : 15_000;
    for (const batch of SIZES) {
      const n = recordsFor(batch, ctx.quick);
      ctx.progress(`scale-batch-size: memory stream, BatchSize ${batch}, ${n} records`);
      const stream = filledMemoryStream(1, n);
      const { value, cost } = await withCost(() =>
        drain(n, maxMs, (on) => [
          startMapping(stream.source(), countingInvoker(on), streamOptions({ batchSize: batch })),
        ]),
      );
      rows.push({
        group: 'scale-batch-size',
        name: `memory stream, BatchSize ${batch}`,
        unit: 'records/s',
        sluice: { throughput: round(value.rate), cost },
        x: batch,
        params: {
          x: 'BatchSize',
          series: 'memory stream (engine ceiling)',
          source: 'memory',
          shards: 1,
          records: value.handled,
          recordBytes: 100,
        },
        notes:
          'In-process memory stream: the engine ceiling (no broker, no network); handler counts records and returns. ' +
          'The memory stream finds its read position by binary search, so the backlog size costs it nothing.',
      });
    }
    const url = redisUrl();
    if (url === undefined) {
      ctx.progress('scale-batch-size: no Redis (SLUICE_REDIS_URL or .services/servers.json), skipping the Redis curve');
      return rows;
    }
    for (const batch of SIZES) {
      const n = recordsFor(batch, ctx.quick);
      ctx.progress(`scale-batch-size: Redis stream, BatchSize ${batch}, ${n} records`);
      const keys = await preloadRedisKeys(url, 1, n);
      try {
        const { value, cost } = await withCost(() =>
          drain(n, maxMs, (on) => {
            const options = streamOptions({ batchSize: batch });
            return [startMapping(keys.source(0, options.mappingId), countingInvoker(on), options)];
          }),
        );
        rows.push({
          group: 'scale-batch-size',
          name: `Redis stream, BatchSize ${batch}`,
          unit: 'records/s',
          sluice: { throughput: round(value.rate), cost },
          x: batch,
          params: {
            x: 'BatchSize',
            series: 'Redis Streams',
            source: 'redis',
            shards: 1,
            records: value.handled,
            recordBytes: 100,
          },
          notes:
            'One Redis stream key on the shared Redis: XREADGROUP + XACK per batch through the Redis Streams connector.',
        });
      } finally {
        await keys.cleanup();
      }
    }
    return rows;
  },
};
