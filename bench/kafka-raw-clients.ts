// npx tsx bench/kafka-raw-clients.ts [records [partitions [valueBytes [rounds]]]]: the raw consume loop of
// kafkajs 2.2.4 (eachBatch) against @platformatic/kafka 2.x (consume stream) on the same topic: N records over P
// partitions read from the start by a fresh group, no commits, counting only. Best of the rounds, sides alternating.
import { randomUUID } from 'node:crypto';
import { Consumer as PConsumer, Admin as PAdmin } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './lib/servers.js';

const arg = (i: number, d: number) => (process.argv[2 + i] === undefined ? d : Number(process.argv[2 + i]));
const records = arg(0, 100_000);
const partitions = arg(1, 4);
const valueBytes = arg(2, 100);
const rounds = arg(3, 3);
const MAX_WAIT_MS = 100;
const brokers = kafkaBrokers();
const kafka = new Kafka({ clientId: 'raw-bench', brokers, logLevel: logLevel.NOTHING });

async function kafkajsLoop(topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `raw-kjs-${randomUUID()}`, maxWaitTimeInMs: MAX_WAIT_MS });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let t0 = 0n;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  consumer.on(consumer.events.GROUP_JOIN, () => (t0 = process.hrtime.bigint()));
  await consumer.run({
    autoCommit: false,
    eachBatch: ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= records) done();
      return Promise.resolve();
    },
  });
  await finished;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await consumer.disconnect();
  return records / s;
}

async function platformaticLoop(topic: string): Promise<number> {
  const consumer = new PConsumer({
    clientId: 'raw-bench',
    bootstrapBrokers: brokers,
    groupId: `raw-pk-${randomUUID()}`,
    maxWaitTime: MAX_WAIT_MS,
    autocommit: false,
    // kafkajs' fetch sizes (1 MB per partition, 10 MB per request). Its own default, 50 MB per partition, made
    // it read about half as fast as kafkajs here.
    maxBytesPerPartition: 1_048_576,
    maxBytes: 10_485_760,
  });
  let t0 = 0n;
  consumer.on('consumer:group:join', () => (t0 = process.hrtime.bigint()));
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
  let seen = 0;
  await new Promise<void>((resolve) => {
    stream.on('data', () => {
      if (++seen === records) resolve();
    });
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await stream.close();
  await consumer.close();
  return records / s;
}

const topic = `raw-bench-${randomUUID()}`;
const admin = new PAdmin({ clientId: 'raw-bench', bootstrapBrokers: brokers });
await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
const producer = kafka.producer();
await producer.connect();
const value = Buffer.alloc(valueBytes, 'x');
for (let sent = 0; sent < records; sent += 2000) {
  const n = Math.min(2000, records - sent);
  await producer.send({
    topic,
    messages: Array.from({ length: n }, (_, i) => ({ key: `k${sent + i}`, value, partition: (sent + i) % partitions })),
  });
}
await producer.disconnect();
const best = { kafkajs: 0, platformatic: 0 };
for (let r = 0; r < rounds; r++) {
  const k = await kafkajsLoop(topic);
  const p = await platformaticLoop(topic);
  console.error(`round ${r + 1}: kafkajs ${Math.round(k)}/s, @platformatic/kafka ${Math.round(p)}/s`);
  best.kafkajs = Math.max(best.kafkajs, k);
  best.platformatic = Math.max(best.platformatic, p);
}
await admin.deleteTopics({ topics: [topic] });
await admin.close();
console.log(
  JSON.stringify({
    records,
    partitions,
    valueBytes,
    rounds,
    kafkajs: Math.round(best.kafkajs),
    platformatic: Math.round(best.platformatic),
  }),
);
