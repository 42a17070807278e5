// Throughput vs number of shards: the same backlog spread over 1, 4, 16 or 64 shards, BatchSize 100, no-op handler.
// Memory stream: one mapping over a stream with N shards (one shard worker each; the engine alone).
// Redis Streams: a Redis stream is one shard, so N shards are N stream keys with one mapping each (as a user
// would configure them); every mapping has its own two connections to the shared Redis.
import type { BenchRow, Scenario } from '../lib/types.js';
import { withCost } from '../lib/measure.js';
import {
  countingInvoker,
  drain,
  filledMemoryStream,
  kafkaBrokers,
  redisUrl,
  round,
  startMapping,
  streamOptions,
  warmUp,
} from './common.js';
import { preloadKafkaTopic } from './kafka.js';
import { preloadRedisKeys } from './redis.js';

const SHARDS = [1, 4, 16, 64];
const BATCH = 100;
/** Extra time allowed for the consumer group join before the first record. */
const KAFKA_JOIN_MS = 15_000;

export const shardsScenario: Scenario = {
  id: 'scale-shards',
  title: 'Throughput vs shards (BatchSize 100, no-op handler)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    await warmUp();
    const total = ctx.quick ? 50_000 : 200_000;
    const maxMs = ctx.quick ? 5000 : 20_000;
    for (const shards of SHARDS) {
      ctx.progress(`scale-shards: memory stream, ${shards} shards, ${total} records`);
      const stream = filledMemoryStream(shards, total);
      const { value, cost } = await withCost(() =>
        drain(total, maxMs, (on) => [
          startMapping(stream.source(), countingInvoker(on), streamOptions({ batchSize: BATCH })),
        ]),
      );
      rows.push({
        group: 'scale-shards',
        name: `memory stream, ${shards} shards`,
        unit: 'records/s',
        sluice: { throughput: round(value.rate), cost },
        x: shards,
        params: {
          x: 'shards',
          series: 'memory stream (engine ceiling)',
          source: 'memory',
          batchSize: BATCH,
          records: value.handled,
          recordBytes: 100,
        },
        notes: 'One mapping, one shard worker per shard, in-process memory stream: the engine alone on one event loop.',
      });
    }
    const url = redisUrl();
    if (url === undefined)
      ctx.progress('scale-shards: no Redis (SLUICE_REDIS_URL or .services/servers.json), skipping the Redis curve');
    for (const shards of url === undefined ? [] : SHARDS) {
      const perKey = Math.ceil(total / shards);
      ctx.progress(`scale-shards: Redis, ${shards} stream keys × ${perKey} entries`);
      const keys = await preloadRedisKeys(url!, shards, perKey);
      try {
        const { value, cost } = await withCost(() =>
          drain(perKey * shards, maxMs, (on) =>
            keys.keys.map((_k, i) => {
              const options = streamOptions({ batchSize: BATCH });
              return startMapping(keys.source(i, options.mappingId), countingInvoker(on), options);
            }),
          ),
        );
        rows.push({
          group: 'scale-shards',
          name: `Redis, ${shards} stream keys`,
          unit: 'records/s',
          sluice: { throughput: round(value.rate), cost },
          x: shards,
          params: {
            x: 'shards',
            series: 'Redis Streams (one key per shard)',
            source: 'redis',
            batchSize: BATCH,
            records: value.handled,
            recordBytes: 100,
          },
          notes:
            'A Redis stream is one shard: N keys, one mapping each, on the shared Redis (2 connections per mapping).',
        });
      } finally {
        await keys.cleanup();
      }
    }
    // Kafka (topic creation, group join) does not fit the quick budget: full runs only.
    const brokers = ctx.quick ? undefined : kafkaBrokers();
    if (brokers === undefined)
      ctx.progress(
        ctx.quick
          ? 'scale-shards: Kafka partitions curve runs in full mode only'
          : 'scale-shards: no Kafka (SLUICE_KAFKA_BROKERS or .services/servers.json), skipping the Kafka curve',
      );
    // Fewer messages than the other sources: the broker is shared with the other helpers' tests.
    const kafkaTotal = Math.min(total, 100_000);
    for (const partitions of brokers === undefined ? [] : SHARDS) {
      ctx.progress(`scale-shards: Kafka, ${partitions} partitions, ${kafkaTotal} messages`);
      const topic = await preloadKafkaTopic(brokers!, partitions, kafkaTotal);
      try {
        const { value, cost } = await withCost(() =>
          drain(kafkaTotal, maxMs + KAFKA_JOIN_MS, (on) => {
            const options = streamOptions({ batchSize: BATCH });
            return [startMapping(topic.source(options.mappingId), countingInvoker(on), options)];
          }),
        );
        rows.push({
          group: 'scale-shards',
          name: `Kafka, ${partitions} partitions`,
          unit: 'records/s',
          sluice: { throughput: round(value.rate), cost },
          x: partitions,
          params: {
            x: 'shards',
            series: 'Kafka (partitions)',
            source: 'kafka',
            batchSize: BATCH,
            records: value.handled,
            recordBytes: 100,
          },
          notes:
            'One mapping on a topic with N partitions on the shared Kafka (kafkajs consumer group, one member). ' +
            'The time includes joining the consumer group (a few seconds), so short runs understate the rate.',
        });
      } finally {
        await topic.cleanup();
      }
    }
    return rows;
  },
};
