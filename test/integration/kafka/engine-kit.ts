// The stream engine over a real Kafka source, with a scripted function and real destinations (SQS on ElasticMQ,
// kafka://, redis://), for the KAF-* rule tests. Short backoffs keep retry tests fast.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { kafkaConnector, type KafkaStreamSource } from '../../../connectors/kafka/index.js';
import { sqsConnector } from '../../../connectors/sqs/index.js';
import { systemClock } from '../../../src/app/clock.js';
import { createStreamMapping, type StreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { StreamMappingOptions } from '../../../src/core/esm/stream-options.js';
import { RecordFilter } from '../../../src/core/filter/index.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import { noopMetrics, type Labels, type Metrics } from '../../../src/ports/metrics.js';
import type { Destination, StartPosition } from '../../../src/ports/sources.js';
import { sqsClient, servers } from '../../services/inject.js';
import { kafkaBrokers } from './env.js';
import { quietLogger, rawKafka } from './helpers.js';

export interface KRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  key?: string;
  value: string | null;
  headers: Array<Record<string, number[]>>;
}
export interface KEvent {
  eventSource: string;
  eventSourceArn?: string;
  bootstrapServers: string;
  records: Record<string, KRecord[]>;
}

/** An on-failure record as a destination receives it (KAF-17 batch form or KAF-18 per-record form). */
export interface FailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  responseContext: Record<string, unknown> | null;
  version: string;
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: number;
    bootstrapServers: string;
    payloadSize: number;
    recordsInfo: Record<string, Record<string, string>>;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: KEvent;
}

/** What the scripted function does with one event: fail, answer with a response body, or succeed (undefined). */
export type Reply = 'fail' | { response: unknown } | undefined;

export interface Call {
  event: KEvent;
  bytes: number;
  at: number;
  /** Values (utf-8) in event order. */
  values: string[];
  offsets: number[];
}

export const value = (r: KRecord) => (r.value === null ? '' : Buffer.from(r.value, 'base64').toString());

export function scriptedInvoker(
  calls: Call[],
  script: (event: KEvent, call: number) => Reply | Promise<Reply>,
): Invoker {
  return {
    has: () => true,
    invoke: async (_fn, req): Promise<InvokeResult> => {
      const event = JSON.parse(Buffer.from(req.payload).toString()) as KEvent;
      const recs = Object.values(event.records).flat();
      calls.push({
        event,
        bytes: req.payload.length,
        at: Date.now(),
        values: recs.map(value),
        offsets: recs.map((r) => r.offset),
      });
      const reply = await script(event, calls.length);
      if (reply === 'fail')
        return {
          kind: 'function-error',
          payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
          errorType: 'Error',
          durationMs: 1,
          coldStart: false,
        };
      const payload = reply === undefined ? Buffer.from('') : Buffer.from(JSON.stringify(reply.response));
      return { kind: 'success', payload, durationMs: 1, coldStart: false };
    },
  };
}

export const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn';
const stops: Array<() => Promise<void>> = [];

/** Stops every mapping started by runMapping (use in afterEach). */
export async function stopAll(): Promise<void> {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
}

export interface RunOptions {
  topic: string;
  address?: string;
  group?: string;
  script: (event: KEvent, call: number) => Reply | Promise<Reply>;
  options?: Partial<StreamMappingOptions>;
  filterPatterns?: string[];
  startingPosition?: StartPosition;
  metrics?: Metrics;
  consumer?: Record<string, number>;
  /** More of the mapping's own settings (kafkaMappingFields.settings), e.g. schemaRegistry. */
  settings?: Record<string, unknown>;
  /** More of the kafka connection, e.g. schemaRegistry credentials. */
  connection?: Record<string, unknown>;
}

export interface Running {
  calls: Call[];
  group: string;
  source: KafkaStreamSource;
  mapping: StreamMapping;
}

export async function runMapping(o: RunOptions): Promise<Running> {
  const group = o.group ?? randomUUID();
  const calls: Call[] = [];
  const startingPosition = o.startingPosition ?? { type: 'TRIM_HORIZON' };
  const metrics = o.metrics ?? noopMetrics;
  const source = kafkaConnector.createStreamSource!(
    o.address ?? `kafka://${o.topic}`,
    {
      mappingId: group,
      consumerGroupId: group,
      startingPosition,
      functionName: 'fn',
      settings: { topics: [o.topic], ...o.settings },
    },
    {
      connection: {
        brokers: kafkaBrokers(),
        consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, ...o.consumer },
        ...o.connection,
      },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics,
    },
  ) as KafkaStreamSource;
  const filter =
    o.filterPatterns === undefined
      ? undefined
      : RecordFilter.compile({ Filters: o.filterPatterns.map((Pattern) => ({ Pattern })) }, kafkaConnector.filter!);
  const mapping = createStreamMapping({
    source,
    invoker: scriptedInvoker(calls, o.script),
    metrics,
    clock: systemClock,
    logger: quietLogger,
    filter,
    options: {
      mappingId: group,
      functionName: 'fn',
      functionArn: FN_ARN,
      batchSize: 100,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition,
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 10, maxMs: 50 },
      shardDiscoveryIntervalMs: 500,
      ...o.options,
    },
  });
  stops.push(async () => {
    await mapping.stop(2000);
    await source.close();
  });
  await mapping.start();
  return { calls, group, source, mapping };
}

export interface Produced {
  partition?: number;
  key?: string | Buffer | null;
  value: string | Buffer;
  timestamp?: string;
  headers?: Record<string, Buffer | string>;
}

export async function produce(topic: string, messages: Produced[]): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** The group's committed offset (next offset to read) per partition; -1 when none. */
export async function committed(group: string, topic: string): Promise<Map<number, number>> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

export async function createTopicWith(
  partitions: number,
  configEntries: Array<{ name: string; value: string }> = [],
): Promise<string> {
  const topic = `t-${randomUUID()}`;
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** An ElasticMQ queue as an on-failure destination, and a way to read what arrived there. */
export async function sqsDestination(): Promise<{
  destination: Destination;
  arn: string;
  receive: () => Promise<unknown[]>;
}> {
  const client = sqsClient();
  const name = `kaf-${randomUUID()}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
  const destination = sqsConnector.createDestination!(arn, {
    connection: { endpoint: servers().sqs.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
    region: 'us-east-1',
    accountId: '000000000000',
    logger: quietLogger,
    metrics: noopMetrics,
  });
  stops.push(() => destination.close());
  const got: unknown[] = [];
  const receive = async () => {
    const r = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    for (const m of r.Messages ?? []) {
      got.push(JSON.parse(m.Body!));
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    return got;
  };
  return { destination, arn, receive };
}

/** Counters and gauges kept in memory, to read the metrics the engine and source report. */
export function recordingMetrics(): Metrics & {
  counter(name: string): number;
  gauge(name: string): number | undefined;
} {
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  return {
    inc: (name: string, _labels?: Labels, v = 1) => void counters.set(name, (counters.get(name) ?? 0) + v),
    set: (name: string, _labels: Labels, v: number) => void gauges.set(name, v),
    observe: () => {},
    counter: (name) => counters.get(name) ?? 0,
    gauge: (name) => gauges.get(name),
  };
}
