// Kafka: sluice against a raw kafkajs consumer and a raw @platformatic/kafka consumer on the same broker, same topic,
// same client settings.
//   sluice: the stream engine (createStreamMapping) over the Kafka connector's StreamSource (its consumer group,
//     buffering and pause/resume), BatchSize records per invocation of a no-op in-process function, one batch in
//     flight per partition, offsets committed through the source's CheckpointStore after each batch, exactly as
//     the service wires a Kafka mapping (src/app/mappings.ts). MaximumBatchingWindow is 0 (the service's Kafka
//     default is 500 ms, which only adds latency; the raw side has no window either).
//   rawEvent: a kafkajs consumer (kafka-raw-kafkajs.ts: eachBatch, BatchSize messages per handler call, one commit
//     per fetched batch) that builds the same Lambda event bytes as sluice for every call (kafka-event.ts): the
//     fair baseline, the row the README shows.
//   raw: the same kafkajs loop counting only (no event), and rawPlatformatic: @platformatic/kafka 2.x counting
//     only (kafka-raw-platformatic.ts): the clients' bare ceilings, one row each.
// Counting costs no side anything (the raw sides take the array length, sluice the number of records the engine
// built the event from); only the latency phase parses (producer timestamps).
//   1. throughput: N records preloaded over P partitions (count checked), a fresh consumer group reads them from
//      the start until every record reached the handler; the sides alternate, the median round counts and the
//      spread (min–max) is printed.
//   2. latency: records produced at a steady rate into a fresh topic the consumer is already on; p50/p99 of
//      handler time minus the record's producer timestamp.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { kafkaConnector } from '../../connectors/kafka/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StreamSource } from '../../src/ports/sources.js';
import { countAtBuild, noopInvoker, quiet, startNoopMapping } from '../lib/noop-stream-mapping.js';
import { kafkaBrokers } from '../lib/servers.js';
import {
  compareThroughput,
  measureLatency,
  sideOf,
  roundCpu,
  roundParams,
  roundRates,
  sparseParams,
  SPARSE_RATE,
  SPARSE_SECONDS,
  type Compared,
  type OnRecords,
  type RunningSide,
  type StartSide,
} from '../lib/side-runs.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';
import { rawKafkajsSide } from './kafka-raw-kafkajs.js';
import { rawPlatformaticSide } from './kafka-raw-platformatic.js';
import { checkBacklog, createTopic, deleteTopics, kafkaOf, produce } from './kafka-topic.js';

export interface KafkaBenchParams {
  records: number;
  partitions: number;
  valueBytes: number;
  batchSize: number;
  rounds: number;
  /** Latency phase: records/s and seconds. */
  rate: number;
  seconds: number;
  /** Only these sides (profiling one side); default all. */
  sides?: KafkaSide[];
  /** A second, sparse latency run (records/s, seconds): what the first record after an idle moment waits. */
  sparseRate?: number;
  sparseSeconds?: number;
  /** sluice's idle poll after an empty read (default: the service's tuning.streamPollIntervalMs, 1000). */
  pollIntervalMs?: number;
  /** false: throughput of sluice and the same-output raw loop only (the record-size rows). */
  latency?: boolean;
}

type KafkaSide = 'rawEvent' | 'raw' | 'sluice' | 'rawPlatformatic';
const ALL_SIDES: KafkaSide[] = ['rawEvent', 'sluice', 'raw', 'rawPlatformatic'];

const FULL: KafkaBenchParams = {
  records: 500_000,
  partitions: 4,
  valueBytes: 100,
  batchSize: 100,
  // Five rounds: both sides' first round runs ~15 % slower (JIT, broker caches) and single rounds move ±10 %.
  rounds: 5,
  rate: 500,
  seconds: 5,
};
// Quick runs still last long enough for a stable rate (20,000 records were gone in 0.05 s).
const QUICK: KafkaBenchParams = { ...FULL, records: 200_000, seconds: 2 };
/** Fetch long-poll of both consumers (sluice's connector default). */
const MAX_WAIT_MS = 100;
/** The service's default idle cadence (tuning.streamPollIntervalMs). */
const DEFAULT_POLL_MS = 1000;

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

const NO_LATENCY = { p50: Number.NaN, p99: Number.NaN, samples: 0 };

export async function runKafkaBench(ctx: BenchContext, p: KafkaBenchParams): Promise<BenchRow[]> {
  const brokers = kafkaBrokers();
  const kafka = kafkaOf(brokers);
  const raw = { batchSize: p.batchSize, maxWaitMs: MAX_WAIT_MS };
  const sidesOn = (topic: string): Record<KafkaSide, StartSide> => ({
    rawEvent: (on, timed) =>
      rawKafkajsSide(kafka, topic, { ...raw, event: { bootstrapServers: brokers.join(',') } }, on, timed),
    sluice: (on, timed) => sluiceSide(brokers, topic, p.batchSize, p.pollIntervalMs ?? DEFAULT_POLL_MS, on, timed),
    raw: (on, timed) => rawKafkajsSide(kafka, topic, raw, on, timed),
    rawPlatformatic: (on, timed) => rawPlatformaticSide(brokers, topic, p.batchSize, MAX_WAIT_MS, on, timed),
  });
  const sides: KafkaSide[] = p.sides ?? (p.latency === false ? ['rawEvent', 'sluice'] : ALL_SIDES);
  const progress = (m: string) => ctx.progress(`kafka (${p.valueBytes} B): ${m}`);
  const topic = `bench-${randomUUID()}`;
  await createTopic(kafka, topic, p.partitions);
  try {
    progress(`producing ${p.records} records over ${p.partitions} partitions`);
    await produce(kafka, topic, p);
    await checkBacklog(kafka, topic, p.records);
    // Each round is a fresh consumer group over the same records.
    const tp = await compareThroughput(sidesOn(topic), p.records, p.rounds, progress, sides);
    const lat = async (name: KafkaSide, sparse = false) =>
      p.latency === false || !sides.includes(name)
        ? NO_LATENCY
        : latency(
            kafka,
            name,
            sidesOn,
            p,
            progress,
            sparse ? (p.sparseRate ?? SPARSE_RATE) : p.rate,
            sparse ? (p.sparseSeconds ?? SPARSE_SECONDS) : p.seconds,
          );
    const l = {
      rawEvent: await lat('rawEvent'),
      sluice: await lat('sluice'),
      rawSparse: await lat('rawEvent', true),
      sluiceSparse: await lat('sluice', true),
    };
    return kafkaRows(p, tp, l, sides);
  } finally {
    await deleteTopics(kafka, [topic]);
  }
}

type Lat = typeof NO_LATENCY;

function kafkaRows(
  p: KafkaBenchParams,
  tp: Compared<KafkaSide>,
  l: { rawEvent: Lat; sluice: Lat; rawSparse: Lat; sluiceSparse: Lat },
  sides: readonly KafkaSide[],
): BenchRow[] {
  const name = `${p.partitions} partitions, BatchSize ${p.batchSize}, ${p.valueBytes} B values`;
  const sluice = sideOf(tp.rounds.sluice, l.sluice);
  const base = { records: p.records, partitions: p.partitions, valueBytes: p.valueBytes, batchSize: p.batchSize };
  const rows: BenchRow[] = [
    {
      group: 'kafka',
      name,
      unit: 'records/s',
      rawLoop: 'kafkajs `eachBatch` building the same event, a commit per fetch',
      sluice,
      raw: sideOf(tp.rounds.rawEvent, l.rawEvent),
      params: {
        ...base,
        rounds: p.rounds,
        ...(p.latency === false
          ? {}
          : { latencyRate: p.rate, latencySeconds: p.seconds, ...sparseParams(l, p.sparseRate ?? SPARSE_RATE) }),
        ...roundParams(tp.rounds.rawEvent, tp.rounds.sluice),
      },
      notes:
        'sluice = engine + Kafka connector + no-op handler, offsets committed per batch through the source; ' +
        'raw = kafkajs eachBatch building the same Lambda event bytes per BatchSize chunk, one commit per fetched ' +
        'batch. Median of rounds (spread min–max); latency = producer timestamp to handler.',
    },
  ];
  const bare = (side: 'raw' | 'rawPlatformatic', label: string, notes: string, rawLoop: string): void => {
    if (!sides.includes(side)) return;
    rows.push({
      group: 'kafka',
      name: `${name}, raw = ${label}`,
      unit: 'records/s',
      rawLoop,
      sluice,
      raw: sideOf(tp.rounds[side]),
      params: {
        ...base,
        rawRates: roundRates(tp.rounds[side]),
        sluiceRates: roundRates(tp.rounds.sluice),
        rawCpuUsPerRecord: roundCpu(tp.rounds[side]),
      },
      notes: `the same sluice rounds as the first row; raw = ${notes}`,
    });
  };
  bare(
    'raw',
    'kafkajs, no event',
    'the same kafkajs loop counting records without building the event.',
    'kafkajs `eachBatch`, no event (bare client)',
  );
  bare(
    'rawPlatformatic',
    '@platformatic/kafka, no event',
    '@platformatic/kafka 2.x consume stream, handler per BatchSize chunk per partition, coalesced commits, ' +
      'counting without building the event.',
    '@platformatic/kafka stream, no event (bare client)',
  );
  return rows;
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

/** Record-size rows: throughput of sluice and the same-output raw loop; fewer records for the bigger ones. */
const sized = (p: KafkaBenchParams, valueBytes: number, records: number): KafkaBenchParams => ({
  ...p,
  valueBytes,
  records,
  latency: false,
});

export const kafkaScenario: Scenario = {
  id: 'kafka',
  title: 'Kafka: sluice vs a kafkajs loop building the same event, and both clients bare',
  run: async (ctx) => {
    const p = ctx.quick ? QUICK : FULL;
    return [
      ...(await runKafkaBench(ctx, p)),
      ...(await runKafkaBench(ctx, sized(p, 1024, ctx.quick ? 50_000 : 100_000))),
      ...(await runKafkaBench(ctx, sized(p, 100 * 1024, ctx.quick ? 1_000 : 3_000))),
    ];
  },
};
