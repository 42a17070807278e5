// #21 operator seek of a Kafka partition: the group offset moves to the target (committed at once, so a restart or
// the next owner resumes there too) and the consumer fetches from it; what was buffered from before is dropped.
import type { Admin, Consumer } from 'kafkajs';
import type { StartPosition } from '../../src/ports/sources.js';
import type { PartitionState } from './partition-state.js';

/** The offset to read next: after a position, or the first record at or after a time (the end when none is). */
export async function seekTarget(
  admin: Admin,
  topic: string,
  partition: number,
  to: Extract<StartPosition, { type: 'AFTER' | 'AT_TIMESTAMP' }>,
): Promise<number> {
  if (to.type === 'AFTER') return Number(to.position) + 1;
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, to.timestampMs);
  const at = byTime.find((x) => x.partition === partition)?.offset;
  if (at !== undefined && Number(at) >= 0) return Number(at);
  const ends = await admin.fetchTopicOffsets(topic);
  return Number(ends.find((x) => x.partition === partition)?.high ?? 0);
}

export async function seekPartition(
  consumer: Consumer,
  admin: Admin,
  topic: string,
  st: PartitionState,
  to: Extract<StartPosition, { type: 'AFTER' | 'AT_TIMESTAMP' }>,
): Promise<void> {
  const offset = await seekTarget(admin, topic, st.partition, to);
  // Batches fetched before the seek are stale for kafkajs (EachBatchPayload.isStale) and dropped by onBatch.
  consumer.seek({ topic, partition: st.partition, offset: String(offset) });
  st.clear();
  st.nextExpected = offset;
  await consumer.commitOffsets([{ topic, partition: st.partition, offset: String(offset) }]);
  // Set, not maxed: a forced backward seek moves the committed offset back too.
  st.committed = offset;
  st.wake();
}
