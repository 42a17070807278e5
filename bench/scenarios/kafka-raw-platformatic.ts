// The Kafka bench's second raw side: a @platformatic/kafka 2.x consumer, set up as the kafkajs raw side is (fresh
// group, from the earliest offset, no autocommit, kafkajs' fetch sizes and the same fetch long-poll). Its stream
// yields one message at a time, so messages are handed to the handler BatchSize at a time per partition (a partial
// chunk once the fetched burst is through), and offsets are committed as sluice's connector does: one OffsetCommit
// in flight, carrying the newest offset of every partition handled meanwhile.
import { randomUUID } from 'node:crypto';
import { Consumer, type CommitOptionsPartition, type Message } from '@platformatic/kafka';
import type { OnRecords, RunningSide } from '../lib/side-runs.js';

export async function rawPlatformaticSide(
  brokers: string[],
  topic: string,
  batchSize: number,
  maxWaitMs: number,
  onRecords: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const consumer = new Consumer({
    clientId: 'sluice-bench',
    bootstrapBrokers: brokers,
    groupId: `bench-rawp-${randomUUID()}`,
    maxWaitTime: maxWaitMs,
    autocommit: false,
    maxBytesPerPartition: 1_048_576,
    maxBytes: 10_485_760,
  });
  let joined: (at: bigint) => void = () => {};
  const ready = new Promise<bigint>((resolve) => (joined = resolve));
  consumer.on('consumer:group:join', () => joined(process.hrtime.bigint()));
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });

  const chunks = new Map<number, Message[]>();
  const toCommit = new Map<number, CommitOptionsPartition>();
  let committing = false;
  const commit = (): void => {
    if (committing || toCommit.size === 0) return;
    committing = true;
    const offsets = [...toCommit.values()];
    toCommit.clear();
    void consumer
      .commit({ offsets })
      .catch(() => undefined)
      .finally(() => {
        committing = false;
        commit();
      });
  };
  const handle = (chunk: Message[]): void => {
    // The no-op handler, then the harness's count.
    onRecords(chunk.length, timed ? chunk.map((m) => Number(m.timestamp)) : undefined);
    const last = chunk[chunk.length - 1]!;
    toCommit.set(last.partition, {
      topic,
      partition: last.partition,
      offset: last.offset + 1n,
      leaderEpoch: last.leaderEpoch,
    });
    commit();
  };
  let flushing = false;
  const flushPartial = (): void => {
    flushing = false;
    for (const chunk of chunks.values()) if (chunk.length > 0) handle(chunk.splice(0));
  };
  stream.on('data', (m: Message) => {
    let chunk = chunks.get(m.partition);
    if (chunk === undefined) chunks.set(m.partition, (chunk = []));
    chunk.push(m);
    if (chunk.length >= batchSize) handle(chunk.splice(0));
    if (!flushing) {
      flushing = true;
      setImmediate(flushPartial);
    }
  });
  return {
    readyAt: await ready,
    stop: async () => {
      await stream.close();
      await consumer.close();
    },
  };
}
