// The newest records of each partition for a filter dry-run (`sluice test-pattern --mapping`, #21): high
// watermarks from the admin client, then a throwaway consumer group that seeks to `high - limit`, never commits and
// is deleted afterwards. The mapping's own group is never joined, so its assignment and offsets stay as they are.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ShardRecord } from '../../src/ports/sources.js';
import { kafkaStreamRecord, shardIdOf, toKafkaRecord } from './event.js';
import type { KafkaSchemaDecoder } from './schema-registry.js';

/** Gives up on partitions still unread after this long (a compacted tail may never reach the watermark). */
const SAMPLE_WAIT_MS = 15_000;

export async function sampleTopic(
  kafka: Kafka,
  topic: string,
  limit: number,
  signal: AbortSignal,
  /** SchemaRegistryConfig: records decoded as the mapping decodes them, so filters see the same fields. */
  schemas?: KafkaSchemaDecoder,
): Promise<ShardRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sluice-sample-${randomUUID()}`;
  try {
    // [from, end) per partition: the last `limit` offsets below the high watermark.
    const ranges = new Map<number, { from: bigint; end: bigint }>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const end = BigInt(p.high);
      const low = BigInt(p.low);
      const from = end - BigInt(limit) > low ? end - BigInt(limit) : low;
      if (from < end) ranges.set(p.partition, { from, end });
    }
    if (ranges.size === 0) return [];
    const out: ShardRecord[] = [];
    const open = new Set(ranges.keys());
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = ranges.get(batch.partition);
          if (range === undefined || !open.has(batch.partition)) return;
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < range.from || offset >= range.end) continue;
            const record = schemas
              ? await schemas.decode(toKafkaRecord(topic, batch.partition, m), m.key, m.value, () => undefined)
              : kafkaStreamRecord(topic, batch.partition, m);
            out.push({ shardId: shardIdOf(topic, batch.partition), record });
          }
          if (BigInt(batch.lastOffset()) >= range.end - 1n) {
            open.delete(batch.partition);
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            if (open.size === 0) finish();
          }
        },
      });
      for (const [partition, { from }] of ranges) consumer.seek({ topic, partition, offset: String(from) });
      const timer = setTimeout(finish, SAMPLE_WAIT_MS);
      signal.addEventListener('abort', finish, { once: true });
      await finished;
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
    } finally {
      await consumer.disconnect();
    }
    return out;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
