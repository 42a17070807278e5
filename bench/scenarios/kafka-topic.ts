// The Kafka bench's topics: create, fill (count checked before any clock starts), delete.
import { Kafka, logLevel } from 'kafkajs';

export function kafkaOf(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'sluice-bench', brokers, logLevel: logLevel.NOTHING });
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

/**
 * `records` messages of `valueBytes` bytes, round-robin over the partitions, sent 2,000 (or 800 kB: one record
 * batch must stay under the broker's 1 MB message.max.bytes) at a time.
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  p: { records: number; partitions: number; valueBytes: number },
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'x');
  const step = Math.max(1, Math.min(2000, Math.floor(800_000 / (p.valueBytes + 64))));
  for (let sent = 0; sent < p.records; sent += step) {
    const n = Math.min(step, p.records - sent);
    await producer.send({
      topic,
      messages: Array.from({ length: n }, (_, i) => ({
        key: `k${sent + i}`,
        value,
        partition: (sent + i) % p.partitions,
      })),
    });
  }
  await producer.disconnect();
}

/** Count at build: the topic holds exactly `want` messages before any side is timed. */
export async function checkBacklog(kafka: Kafka, topic: string, want: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const got = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    if (got !== want) throw new Error(`kafka backlog of ${topic} holds ${got} messages, expected ${want}`);
  } finally {
    await admin.disconnect();
  }
}
