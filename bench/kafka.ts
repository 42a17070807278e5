// Kafka source throughput: N preloaded messages read through sluice's source (+ a checkpoint commit per read)
// versus a raw kafkajs consumer (eachBatch, autoCommit) on the same broker in the same run.
//   SLUICE_KAFKA_BROKERS=127.0.0.1:9092 npx tsx bench/kafka.ts [messages=100000] [partitions=4] [bytes=100]
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConnector, type KafkaStreamSource } from '../connectors/kafka/index.js';
import type { Logger } from '../src/ports/logger.js';
import { noopMetrics } from '../src/ports/metrics.js';

const brokers = (process.env.SLUICE_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) throw new Error('set SLUICE_KAFKA_BROKERS=host:port[,...]');
const N = Number(process.argv[2] ?? 100_000);
const PARTITIONS = Number(process.argv[3] ?? 4);
const BYTES = Number(process.argv[4] ?? 100);
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const kafka = new Kafka({ clientId: 'sluice-bench', brokers, logLevel: logLevel.NOTHING });

async function preload(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(BYTES, 'x');
  for (let sent = 0; sent < N; sent += 2000) {
    const n = Math.min(2000, N - sent);
    await producer.send({
      topic,
      messages: Array.from({ length: n }, (_, i) => ({
        key: `k${sent + i}`,
        value,
        partition: (sent + i) % PARTITIONS,
      })),
    });
  }
  await producer.disconnect();
}

async function raw(topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const start = Date.now();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= N) resolve();
        return Promise.resolve();
      },
    });
  });
  const ms = Date.now() - start;
  await consumer.disconnect();
  return ms;
}

async function sluice(topic: string): Promise<number> {
  const group = `sluice-${randomUUID()}`;
  const source = kafkaConnector.createStreamSource!(
    `kafka://${topic}`,
    { mappingId: group, startingPosition: { type: 'TRIM_HORIZON' } },
    { connection: { brokers }, region: 'us-east-1', accountId: '0', logger: quiet, metrics: noopMetrics },
  ) as KafkaStreamSource;
  const start = Date.now();
  const shards = await source.listShards();
  let seen = 0;
  const signal = new AbortController().signal;
  // One loop per partition, as the engine runs one worker per shard.
  await Promise.all(
    shards.map(async (shard) => {
      const reader = await source.open(shard, { type: 'TRIM_HORIZON' });
      while (seen < N) {
        const { records } = await reader.read(500, signal);
        if (records.length === 0) continue;
        seen += records.length;
        await source.checkpoints.set(group, shard.id, records[records.length - 1]!.position);
      }
    }),
  );
  const ms = Date.now() - start;
  await source.close();
  return ms;
}

const topic = `bench-${randomUUID()}`;
await preload(topic);
// Two alternating rounds (each a fresh consumer group over the same topic); the best of each counts.
let rawMs = Infinity;
let sluiceMs = Infinity;
for (let round = 0; round < 2; round++) {
  rawMs = Math.min(rawMs, await raw(topic));
  sluiceMs = Math.min(sluiceMs, await sluice(topic));
}
const rate = (ms: number) => Math.round((N / ms) * 1000);
console.log(`kafka: ${N} messages, ${PARTITIONS} partitions, ${BYTES} B values`);
console.log(`raw kafkajs consumer:        ${rate(rawMs)} records/s (${rawMs} ms)`);
console.log(`sluice source + commits:     ${rate(sluiceMs)} records/s (${sluiceMs} ms)`);
console.log(`ratio sluice/raw:            ${(rate(sluiceMs) / rate(rawMs)).toFixed(2)}`);
