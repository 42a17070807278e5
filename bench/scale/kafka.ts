// Kafka side of the shards curve: a fresh topic with N partitions on the shared broker, preloaded round-robin,
// read by sluice's Kafka connector (one consumer group member owning every partition).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConnector } from '../../connectors/kafka/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import { quiet } from './common.js';

export interface KafkaTopic {
  topic: string;
  source(mappingId: string): StreamSource;
  cleanup(): Promise<void>;
}

export async function preloadKafkaTopic(
  brokers: string[],
  partitions: number,
  messages: number,
  bytes = 100,
): Promise<KafkaTopic> {
  const kafka = new Kafka({ clientId: 'sluice-scale', brokers, logLevel: logLevel.NOTHING });
  const topic = `scale-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(bytes, 'x');
  for (let sent = 0; sent < messages; sent += 2000) {
    const n = Math.min(2000, messages - sent);
    await producer.send({
      topic,
      messages: Array.from({ length: n }, (_v, i) => ({
        key: `k${sent + i}`,
        value,
        partition: (sent + i) % partitions,
      })),
    });
  }
  await producer.disconnect();
  return {
    topic,
    source: (mappingId) =>
      kafkaConnector.createStreamSource!(
        `kafka://${topic}`,
        { mappingId, startingPosition: { type: 'TRIM_HORIZON' } },
        { connection: { brokers }, region: 'us-east-1', accountId: '0', logger: quiet, metrics: noopMetrics },
      ),
    cleanup: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
