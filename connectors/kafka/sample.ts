// Records read back without touching the mapping's consumer group (#21): the newest records of each partition for a
// filter dry-run (`sluice test-pattern --mapping`), and exact offset ranges for `sluice redrive` of an on-failure
// record. Both go through a throwaway consumer group that seeks to the range, never commits and is deleted
// afterwards. The mapping's own group is never joined, so its assignment and offsets stay as they are.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { OffsetRange, RangeRead, ShardRecord } from '../../src/ports/sources.js';
import { shardIdOf, toKafkaRecord } from './event.js';
import { kafkaStreamRecord } from './fetch-chunk.js';
import type { KafkaSchemaDecoder } from './schema-registry.js';

/** Gives up on partitions still unread after this long (a compacted tail may never reach the watermark). */
const SAMPLE_WAIT_MS = 15_000;

/** [from, end) offsets per partition. */
type Ranges = Map<number, { from: bigint; end: bigint }>;

async function withAdmin<T>(kafka: Kafka, groupId: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

export async function sampleTopic(
  kafka: Kafka,
  topic: string,
  limit: number,
  signal: AbortSignal,
  /** SchemaRegistryConfig: records decoded as the mapping decodes them, so filters see the same fields. */
  schemas?: KafkaSchemaDecoder,
): Promise<ShardRecord[]> {
  const groupId = `sluice-sample-${randomUUID()}`;
  return withAdmin(kafka, groupId, async (admin) => {
    // The last `limit` offsets below the high watermark.
    const ranges: Ranges = new Map();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const end = BigInt(p.high);
      const low = BigInt(p.low);
      const from = end - BigInt(limit) > low ? end - BigInt(limit) : low;
      if (from < end) ranges.set(p.partition, { from, end });
    }
    return readRanges(kafka, groupId, topic, ranges, signal, schemas);
  });
}

/**
 * Exactly the records of `ranges` (inclusive offsets of this topic's shards), or why they cannot be: a topic or
 * partition that is gone, or a first offset below the partition's low watermark (retention, deleteRecords).
 * Undefined when a range is not of this topic (another mapping's).
 */
export async function readTopicRanges(
  kafka: Kafka,
  topic: string,
  wanted: readonly OffsetRange[],
  signal: AbortSignal,
  schemas?: KafkaSchemaDecoder,
): Promise<RangeRead | undefined> {
  const ofTopic = (id: string) => id.startsWith(`${topic}-`) && /^\d+$/.test(id.slice(topic.length + 1));
  if (wanted.length === 0 || !wanted.every((r) => ofTopic(r.shardId))) return undefined;
  const groupId = `sluice-redrive-${randomUUID()}`;
  return withAdmin(kafka, groupId, async (admin) => {
    const gone = { gone: 'no longer in the topic (past its retention, deleted, or the topic is gone)' };
    if (!(await admin.listTopics()).includes(topic)) return gone;
    const kept = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
    const ranges: Ranges = new Map();
    for (const r of wanted) {
      const partition = Number(r.shardId.slice(topic.length + 1));
      const p = kept.get(partition);
      const from = BigInt(r.first);
      const end = BigInt(r.last) + 1n;
      if (p === undefined || from < BigInt(p.low) || end > BigInt(p.high)) return gone;
      ranges.set(partition, { from, end });
    }
    const records = await readRanges(kafka, groupId, topic, ranges, signal, schemas);
    // Compaction may have removed some offsets in between; the ends must still be there.
    const offsets = new Set(records.map((r) => `${r.shardId}@${r.record.position}`));
    for (const r of wanted)
      if (!offsets.has(`${r.shardId}@${r.first}`) || !offsets.has(`${r.shardId}@${r.last}`)) return gone;
    return { records: records.map((r) => r.record) };
  });
}

async function readRanges(
  kafka: Kafka,
  groupId: string,
  topic: string,
  ranges: Ranges,
  signal: AbortSignal,
  schemas?: KafkaSchemaDecoder,
): Promise<ShardRecord[]> {
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
}
