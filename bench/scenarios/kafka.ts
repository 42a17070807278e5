// Kafka: sluice against a raw kafkajs consumer and a raw @platformatic/kafka consumer on the same broker, same topic,
// same client settings.
//   sluice: the stream engine (createStreamMapping) over the Kafka connector's StreamSource (its consumer group,
//     buffering and pause/resume), BatchSize records per invocation of a no-op in-process function, one batch in
//     flight per partition, offsets committed through the source's CheckpointStore after each batch, exactly as
//     the service wires a Kafka mapping (src/app/mappings.ts). MaximumBatchingWindow is 0 (the service's Kafka
//     default is 500 ms, which only adds latency; the raw side has no window either).
//   raw: a kafkajs consumer (eachBatch, one partition at a time — kafkajs' default, as sluice's consumer) that
//     hands each fetched batch to the same no-op handler BatchSize messages at a time, then commits the batch's
//     offsets before the next fetch is processed (autoCommit off, one OffsetCommit per fetched batch).
//   rawPlatformatic: the same over @platformatic/kafka 2.x (kafka-raw-platformatic.ts): a second row shows it.
// Counting costs neither side anything (the raw side takes the array length, sluice the number of records the
// engine built the event from); only the latency phase parses (producer timestamps).
//   1. throughput: N records preloaded over P partitions, a fresh consumer group reads them from the start until
//      every record reached the handler; the sides alternate, best of the rounds counts.
//   2. latency: records produced at a steady rate into a fresh topic the consumer is already on; p50/p99 of
//      handler time minus the record's producer timestamp.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { kafkaConnector } from '../../connectors/kafka/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import { rawPlatformaticSide } from './kafka-raw-platformatic.js';
import { countAtBuild, noopInvoker, quiet, startNoopMapping } from '../lib/noop-stream-mapping.js';
import { kafkaBrokers } from '../lib/servers.js';
import {
  compareThroughput,
  sparseParams,
  SPARSE_RATE,
  SPARSE_SECONDS,
  measureLatency,
  roundParams,
  type OnRecords,
  type RunningSide,
  type StartSide,
} from '../lib/side-runs.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';

export interface KafkaBenchParams {
  records: number;
  partitions: number;
  valueBytes: number;
  batchSize: number;
  rounds: number;
  /** Latency phase: records/s and seconds. */
  rate: number;
  seconds: number;
  /** Only these sides (profiling one side); default both. */
  sides?: Array<'raw' | 'sluice' | 'rawPlatformatic'>;
  /** A second, sparse latency run (records/s, seconds): what the first record after an idle moment waits. */
  sparseRate?: number;
  sparseSeconds?: number;
  /** sluice's idle poll after an empty read (default: the service's tuning.streamPollIntervalMs, 1000). */
  pollIntervalMs?: number;
}

type KafkaSide = 'raw' | 'sluice' | 'rawPlatformatic';

const FULL: KafkaBenchParams = {
  records: 100_000,
  partitions: 4,
  valueBytes: 100,
  batchSize: 100,
  rounds: 3,
  rate: 500,
  seconds: 5,
};
const QUICK: KafkaBenchParams = { ...FULL, records: 20_000, rounds: 1, seconds: 2 };
/** Fetch long-poll of both consumers (sluice's connector default). */
const MAX_WAIT_MS = 100;
/** The service's default idle cadence (tuning.streamPollIntervalMs). */
const DEFAULT_POLL_MS = 1000;

function kafkaOf(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'sluice-bench', brokers, logLevel: logLevel.NOTHING });
}

async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

async function produce(kafka: Kafka, topic: string, p: KafkaBenchParams): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'x');
  for (let sent = 0; sent < p.records; sent += 2000) {
    const n = Math.min(2000, p.records - sent);
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

async function rawSide(
  kafka: Kafka,
  topic: string,
  batchSize: number,
  onRecords: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const consumer: Consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: MAX_WAIT_MS });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let joined: (at: bigint) => void = () => {};
  const ready = new Promise<bigint>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined(process.hrtime.bigint()));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const { messages } = batch;
      let last: string | undefined;
      for (let i = 0; i < messages.length && payload.isRunning() && !payload.isStale(); i += batchSize) {
        const chunk = messages.slice(i, i + batchSize);
        // The no-op handler, then the harness's count.
        onRecords(chunk.length, timed ? chunk.map((m) => Number(m.timestamp)) : undefined);
        last = chunk[chunk.length - 1]!.offset;
        payload.resolveOffset(last);
      }
      if (last !== undefined)
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) },
        ]);
    },
  });
  return { readyAt: await ready, stop: () => consumer.disconnect() };
}

async function sluiceSide(
  brokers: string[],
  topic: string,
  batchSize: number,
  pollIntervalMs: number,
  onRecords: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const mappingId = `bench-sluice-${randomUUID()}`;
  const source: StreamSource = kafkaConnector.createStreamSource!(
    `kafka://${topic}`,
    { mappingId, startingPosition: { type: 'TRIM_HORIZON' }, functionName: 'noop' },
    {
      connection: { brokers, consumer: { maxWaitTimeMs: MAX_WAIT_MS } },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quiet,
      metrics: noopMetrics,
    },
  );
  const count = countAtBuild([source]);
  const invoker = noopInvoker((payload) => {
    if (!timed) return onRecords(count());
    const event = JSON.parse(payload.toString('utf8')) as { records: Record<string, Array<{ timestamp: number }>> };
    const at = Object.values(event.records).flatMap((rs) => rs.map((r) => r.timestamp));
    onRecords(at.length, at);
  });
  // The group join happens in listShards(); the engine's own call reuses it.
  await source.listShards();
  const readyAt = process.hrtime.bigint();
  const mapping = await startNoopMapping(source, invoker, {
    mappingId,
    batchSize,
    maxBatchingWindowMs: 0,
    pollIntervalMs,
  });
  return { readyAt, stop: () => mapping.stop() };
}

export async function runKafkaBench(ctx: BenchContext, p: KafkaBenchParams): Promise<BenchRow[]> {
  const brokers = kafkaBrokers();
  const kafka = kafkaOf(brokers);
  const sidesOn = (topic: string): Record<KafkaSide, StartSide> => ({
    raw: (on, timed) => rawSide(kafka, topic, p.batchSize, on, timed),
    rawPlatformatic: (on, timed) => rawPlatformaticSide(brokers, topic, p.batchSize, MAX_WAIT_MS, on, timed),
    sluice: (on, timed) => sluiceSide(brokers, topic, p.batchSize, p.pollIntervalMs ?? DEFAULT_POLL_MS, on, timed),
  });
  const progress = (m: string) => ctx.progress(`kafka: ${m}`);
  const topic = `bench-${randomUUID()}`;
  await createTopic(kafka, topic, p.partitions);
  try {
    progress(`producing ${p.records} records over ${p.partitions} partitions`);
    await produce(kafka, topic, p);
    // Each round is a fresh consumer group over the same records.
    const tp = await compareThroughput(sidesOn(topic), p.records, p.rounds, progress, p.sides);
    const lat = {
      raw: await latency(kafka, 'raw', sidesOn, p, progress, p.rate, p.seconds),
      sluice: await latency(kafka, 'sluice', sidesOn, p, progress, p.rate, p.seconds),
      rawPlatformatic: await latency(kafka, 'rawPlatformatic', sidesOn, p, progress, p.rate, p.seconds),
      rawSparse: await latency(
        kafka,
        'raw',
        sidesOn,
        p,
        progress,
        p.sparseRate ?? SPARSE_RATE,
        p.sparseSeconds ?? SPARSE_SECONDS,
      ),
      sluiceSparse: await latency(
        kafka,
        'sluice',
        sidesOn,
        p,
        progress,
        p.sparseRate ?? SPARSE_RATE,
        p.sparseSeconds ?? SPARSE_SECONDS,
      ),
    };
    const name = `${p.partitions} partitions, BatchSize ${p.batchSize}, ${p.valueBytes} B values`;
    const rates = (name: KafkaSide) => tp.rounds[name].map((r) => Math.round(r.rate)).join(' ');
    return [
      {
        group: 'kafka',
        name,
        unit: 'records/s',
        sluice: { throughput: tp.best.sluice.rate, latency: lat.sluice, cost: tp.best.sluice.cost },
        raw: { throughput: tp.best.raw.rate, latency: lat.raw, cost: tp.best.raw.cost },
        params: {
          records: p.records,
          partitions: p.partitions,
          valueBytes: p.valueBytes,
          batchSize: p.batchSize,
          rounds: p.rounds,
          latencyRate: p.rate,
          latencySeconds: p.seconds,
          ...sparseParams(lat, p.sparseRate ?? SPARSE_RATE),
          ...roundParams(tp),
        },
        notes:
          'sluice = engine + Kafka connector + no-op handler, offsets committed per batch through the source; ' +
          'raw = kafkajs eachBatch, handler per BatchSize chunk, one commit per fetched batch. Best of rounds; ' +
          'latency = producer timestamp to handler.',
      },
      {
        group: 'kafka',
        name: `${name}, raw = @platformatic/kafka`,
        unit: 'records/s',
        sluice: { throughput: tp.best.sluice.rate, latency: lat.sluice, cost: tp.best.sluice.cost },
        raw: {
          throughput: tp.best.rawPlatformatic.rate,
          latency: lat.rawPlatformatic,
          cost: tp.best.rawPlatformatic.cost,
        },
        params: {
          records: p.records,
          partitions: p.partitions,
          rawRates: rates('rawPlatformatic'),
          sluiceRates: rates('sluice'),
        },
        notes:
          'the same sluice run as the row above; raw = @platformatic/kafka 2.x consume stream, handler per BatchSize ' +
          'chunk per partition, coalesced commits (one OffsetCommit in flight).',
      },
    ];
  } finally {
    await deleteTopics(kafka, [topic]);
  }
}

/** A fresh topic per side, so each starts at its (empty) beginning and sees only the steady-rate records. */
async function latency(
  kafka: Kafka,
  name: KafkaSide,
  sidesOn: (topic: string) => Record<KafkaSide, StartSide>,
  p: KafkaBenchParams,
  progress: (m: string) => void,
  rate: number,
  seconds: number,
) {
  if (p.sides && !p.sides.includes(name)) return { p50: Number.NaN, p99: Number.NaN, samples: 0 };
  progress(`latency at ${rate} records/s, ${name}`);
  const topic = `bench-lat-${randomUUID()}`;
  await createTopic(kafka, topic, p.partitions);
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'x');
  try {
    return await measureLatency(
      sidesOn(topic)[name],
      async (n, from) => {
        const timestamp = String(Date.now());
        await producer.send({
          topic,
          messages: Array.from({ length: n }, (_, i) => ({
            key: `k${from + i}`,
            value,
            timestamp,
            partition: (from + i) % p.partitions,
          })),
        });
      },
      rate,
      seconds,
    );
  } finally {
    await producer.disconnect();
    await deleteTopics(kafka, [topic]);
  }
}

export const kafkaScenario: Scenario = {
  id: 'kafka',
  title: 'Kafka: sluice vs raw kafkajs eachBatch and raw @platformatic/kafka',
  run: (ctx) => runKafkaBench(ctx, ctx.quick ? QUICK : FULL),
};
