// Spec §4 rules (KAF-*) on a real Apache Kafka broker (KRaft), through the real Kafka source and the shared stream
// engine, with a scripted function and real destinations. Service-level rules (defaults, KAF-14's cap, /metrics) are
// in kafka-service-rules.test.ts.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConnector } from '../../../connectors/kafka/index.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { kafkaBrokers } from './env.js';
import {
  committed,
  createTopicWith,
  FN_ARN,
  produce,
  recordingMetrics,
  runMapping,
  sqsDestination,
  stopAll,
  value,
  type FailureRecord,
  type KRecord,
} from './engine-kit.js';
import { quietLogger, rawKafka, until } from './helpers.js';

afterEach(stopAll);

const p0 = (topic: string) => `${topic}-0`;
const json = (o: unknown) => JSON.stringify(o);

describe('KAF rules on a real broker', () => {
  it('KAF-1/KAF-2/KAF-3 a produced record reaches the function with base64 key/value, ms timestamp, byte headers 0..255 and no key when null (D-7)', async () => {
    const topic = await createTopicWith(1);
    const before = Date.now();
    await produce(topic, [
      { key: 'k0', value: 'hello', headers: { h: Buffer.from([0, 127, 128, 200, 255]), s: 'ab' } },
      { key: null, value: 'no-key' },
    ]);
    const run = await runMapping({ topic, script: () => undefined });
    await until(() => Promise.resolve(run.calls.flatMap((c) => c.values).length >= 2 ? true : undefined));
    const event = run.calls[0]!.event;
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(event.bootstrapServers).toBe(kafkaBrokers().join(','));
    expect('eventSourceArn' in event).toBe(false);
    expect(Object.keys(event.records)).toEqual([p0(topic)]);
    const [a, b] = event.records[p0(topic)]!;
    expect(a).toEqual({
      topic,
      partition: 0,
      offset: 0,
      timestamp: a!.timestamp,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('k0').toString('base64'),
      value: Buffer.from('hello').toString('base64'),
      headers: [{ h: [0, 127, 128, 200, 255] }, { s: [97, 98] }],
    });
    expect(typeof a!.timestamp).toBe('number');
    expect(a!.timestamp).toBeGreaterThanOrEqual(before - 1000);
    expect(a!.timestamp).toBeLessThanOrEqual(Date.now());
    expect(b!.offset).toBe(1);
    expect('key' in b!).toBe(false);
    expect(value(b!)).toBe('no-key');
  });

  it('KAF-2 timestampType is LOG_APPEND_TIME for a topic with message.timestamp.type=LogAppendTime', async () => {
    const topic = await createTopicWith(1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    const old = String(Date.now() - 3_600_000);
    await produce(topic, [{ value: 'x', timestamp: old }]);
    const run = await runMapping({ topic, script: () => undefined });
    await until(() => Promise.resolve(run.calls.length > 0 ? true : undefined));
    const rec = run.calls[0]!.event.records[p0(topic)]![0]!;
    expect(rec.timestampType).toBe('LOG_APPEND_TIME');
    expect(rec.timestamp).toBeGreaterThan(Number(old) + 3_000_000); // the broker's append time, not the producer's
  });

  it('KAF-4 an MSK cluster ARN address gives eventSource aws:kafka and the cluster eventSourceArn', async () => {
    const topic = await createTopicWith(1);
    await produce(topic, [{ value: 'msk' }]);
    const arn = 'arn:aws:kafka:us-east-1:000000000000:cluster/demo/0b1c2d3e-aaaa-bbbb-cccc-000000000001-1';
    const run = await runMapping({ topic, address: arn, script: () => undefined });
    await until(() => Promise.resolve(run.calls.length > 0 ? true : undefined));
    expect(run.calls[0]!.event).toMatchObject({ eventSource: 'aws:kafka', eventSourceArn: arn });
  });

  it('KAF-7 with a filter, matched and unmatched offsets are committed only after the invoke succeeds; an all-filtered batch commits too', async () => {
    const topic = await createTopicWith(1);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: json({ keep: i % 2 === 0, i }) })),
    );
    const gate = { open: false };
    const run = await runMapping({
      topic,
      filterPatterns: [json({ value: { keep: [true] } })],
      options: { batchSize: 10, maxBatchingWindowMs: 200 },
      script: () => (gate.open ? undefined : 'fail'),
    });
    await until(() => Promise.resolve(run.calls.length >= 3 ? true : undefined));
    // Only the matched records were sent, and nothing is committed while the invoke fails.
    expect(run.calls[0]!.values.map((v) => (JSON.parse(v) as { i: number }).i)).toEqual([0, 2, 4, 6, 8]);
    expect((await committed(run.group, topic)).get(0)).toBe(-1);
    gate.open = true;
    await until(async () => ((await committed(run.group, topic)).get(0) === 10 ? true : undefined));
    // A batch in which every record is filtered out invokes nothing and still commits past it.
    const invokes = run.calls.length;
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: json({ keep: false, i: 10 + i }) })),
    );
    await until(async () => ((await committed(run.group, topic)).get(0) === 15 ? true : undefined));
    expect(run.calls.length).toBe(invokes);
  });

  it('KAF-8 no event exceeds 6 MB; a single record over 6 MB goes to the destination as MaximumPayloadSizeExceeded with responseContext null', async () => {
    const topic = await createTopicWith(1, [{ name: 'max.message.bytes', value: String(12 * 1024 * 1024) }]);
    const big = (tag: string, n: number) => Buffer.concat([Buffer.from(tag), Buffer.alloc(n, 0x61)]);
    // 2 MB raw = 2.67 MB base64: two fit in one 6 MB event, three do not. Then one record too big for any event.
    for (const m of [big('a', 2_000_000), big('b', 2_000_000), big('c', 2_000_000), big('x', 5_000_000)])
      await produce(topic, [{ value: m }]);
    await produce(topic, [{ value: 'after' }]);
    const dest = await sqsDestination();
    const run = await runMapping({
      topic,
      options: { batchSize: 100, maxBatchingWindowMs: 300, onFailure: dest.destination },
      script: () => undefined,
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 5 ? true : undefined));
    for (const c of run.calls) expect(c.bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    const delivered = run.calls.flatMap((c) => c.values.map((v) => v.slice(0, 1)));
    expect(delivered).toEqual(['a', 'b', 'c', 'a']);
    expect(run.calls.length).toBeGreaterThanOrEqual(3);
    const [rec] = (await until(async () => {
      const got = await dest.receive();
      return got.length > 0 ? got : undefined;
    })) as FailureRecord[];
    expect(rec!.requestContext).toMatchObject({
      functionArn: FN_ARN,
      condition: 'MaximumPayloadSizeExceeded',
      approximateInvokeCount: 0,
    });
    expect(rec!.responseContext).toBeNull();
    expect(rec!.KafkaBatchInfo.batchSize).toBe(1);
    expect(rec!.KafkaBatchInfo.payloadSize).toBeGreaterThan(6 * 1024 * 1024);
    expect(rec!.KafkaBatchInfo.recordsInfo[p0(topic)]).toMatchObject({ firstRecordOffset: '3', lastRecordOffset: '3' });
  });

  it('KAF-11 (KAF-9/KAF-10) one batch in flight per partition: concurrency never exceeds the partition count', async () => {
    const topic = await createTopicWith(3);
    await produce(
      topic,
      Array.from({ length: 90 }, (_, i) => ({ partition: i % 3, value: String(i) })),
    );
    let inFlight = 0;
    let maxInFlight = 0;
    const perPartition = new Map<string, number>();
    let overlap = false;
    const run = await runMapping({
      topic,
      options: { batchSize: 5 },
      script: async (event) => {
        const tp = Object.keys(event.records)[0]!;
        if ((perPartition.get(tp) ?? 0) > 0) overlap = true;
        perPartition.set(tp, (perPartition.get(tp) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        perPartition.set(tp, perPartition.get(tp)! - 1);
        return undefined;
      },
    });
    await until(() => Promise.resolve(run.calls.flatMap((c) => c.values).length >= 90 ? true : undefined));
    expect(overlap).toBe(false);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(run.calls.every((c) => Object.keys(c.event.records).length === 1)).toBe(true);
    for (const [, recs] of Object.entries(byPartition(run.calls.flatMap((c) => Object.values(c.event.records).flat()))))
      expect(recs).toEqual([...recs].sort((x, y) => x - y));
  });

  it('KAF-12 a failing batch is retried whole until it succeeds; only its partition pauses, the others keep flowing', async () => {
    const topic = await createTopicWith(2);
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `p0-${i}` })),
    );
    const stuck = { on: true };
    const run = await runMapping({
      topic,
      options: { batchSize: 10 },
      script: (event) => (stuck.on && Object.keys(event.records)[0] === p0(topic) ? 'fail' : undefined),
    });
    await until(() => Promise.resolve(run.calls.length >= 3 ? true : undefined));
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ partition: 1, value: `p1-${i}` })),
    );
    await until(async () => ((await committed(run.group, topic)).get(1) === 10 ? true : undefined));
    const p0Calls = run.calls.filter((c) => c.values[0]!.startsWith('p0'));
    expect(p0Calls.length).toBeGreaterThanOrEqual(3);
    for (const c of p0Calls) expect(c.offsets).toEqual([0, 1, 2, 3, 4]); // the same whole batch every time
    expect((await committed(run.group, topic)).get(0)).toBe(-1);
    stuck.on = false;
    await until(async () => ((await committed(run.group, topic)).get(0) === 5 ? true : undefined));
  });

  it('KAF-13/KAF-17 MaximumRetryAttempts: after 1 + N invokes the batch goes to the SQS destination with KafkaBatchInfo and the partition moves on', async () => {
    const topic = await createTopicWith(1);
    const t0 = Date.now() - 5000;
    await produce(
      topic,
      Array.from({ length: 3 }, (_, i) => ({ value: i === 1 ? 'bad' : `ok${i}`, timestamp: String(t0 + i) })),
    );
    const dest = await sqsDestination();
    const run = await runMapping({
      topic,
      options: { batchSize: 10, maximumRetryAttempts: 2, onFailure: dest.destination },
      script: (event) =>
        Object.values(event.records)
          .flat()
          .some((r) => value(r) === 'bad')
          ? 'fail'
          : undefined,
    });
    const [rec] = (await until(async () => {
      const got = await dest.receive();
      return got.length > 0 ? got : undefined;
    })) as FailureRecord[];
    expect(run.calls).toHaveLength(3);
    expect(rec).toEqual({
      requestContext: {
        requestId: expect.any(String) as string,
        functionArn: FN_ARN,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      KafkaBatchInfo: {
        batchSize: 3,
        bootstrapServers: kafkaBrokers().join(','),
        payloadSize: run.calls[0]!.bytes,
        recordsInfo: {
          [p0(topic)]: {
            firstRecordOffset: '0',
            lastRecordOffset: '2',
            firstRecordTimestamp: new Date(t0).toISOString(),
            lastRecordTimestamp: new Date(t0 + 2).toISOString(),
          },
        },
      },
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 3 ? true : undefined));
    await produce(topic, [{ value: 'next' }]);
    await until(() => Promise.resolve(run.calls.some((c) => c.values.includes('next')) ? true : undefined));
  });

  it('KAF-13 MaximumRecordAgeInSeconds: records older than the limit go to the destination without invoking', async () => {
    const topic = await createTopicWith(1);
    const old = Date.now() - 120_000;
    await produce(topic, [
      { value: 'old-0', timestamp: String(old) },
      { value: 'old-1', timestamp: String(old + 1) },
      { value: 'fresh' },
    ]);
    const dest = await sqsDestination();
    const run = await runMapping({
      topic,
      options: { batchSize: 10, maximumRecordAgeMs: 60_000, onFailure: dest.destination },
      script: () => undefined,
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 3 ? true : undefined));
    expect(run.calls.flatMap((c) => c.values)).toEqual(['fresh']);
    const [rec] = (await until(async () => {
      const got = await dest.receive();
      return got.length > 0 ? got : undefined;
    })) as FailureRecord[];
    expect(rec!.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 1 });
    expect(rec!.responseContext).toBeNull();
    expect(rec!.KafkaBatchInfo.recordsInfo[p0(topic)]).toMatchObject({ firstRecordOffset: '0', lastRecordOffset: '1' });
  });

  it('KAF-13 BisectBatchOnFunctionError isolates the bad record; every other record is delivered', async () => {
    const topic = await createTopicWith(1);
    await produce(
      topic,
      Array.from({ length: 8 }, (_, i) => ({ value: i === 5 ? 'bad' : `ok${i}` })),
    );
    const dest = await sqsDestination();
    const run = await runMapping({
      topic,
      options: {
        batchSize: 8,
        maxBatchingWindowMs: 300,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 0,
        onFailure: dest.destination,
      },
      script: (event) =>
        Object.values(event.records)
          .flat()
          .some((r) => value(r) === 'bad')
          ? 'fail'
          : undefined,
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 8 ? true : undefined));
    expect(run.calls.map((c) => c.offsets.length)).toEqual([8, 4, 4, 2, 1, 1, 2]); // STR-16: the first half before the second
    const ok = run.calls
      .slice(1)
      .filter((c) => !c.values.includes('bad'))
      .flatMap((c) => c.offsets);
    expect(ok).toEqual([0, 1, 2, 3, 4, 6, 7]);
    const [rec] = (await until(async () => {
      const got = await dest.receive();
      return got.length > 0 ? got : undefined;
    })) as FailureRecord[];
    expect(rec!.KafkaBatchInfo.recordsInfo[p0(topic)]).toMatchObject({ firstRecordOffset: '5', lastRecordOffset: '5' });
  });

  it('KAF-15 a {partition, offset} batchItemFailures item rewinds to it: earlier offsets are committed, the rest retried', async () => {
    const topic = await createTopicWith(1);
    await produce(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })),
    );
    const run = await runMapping({
      topic,
      options: { batchSize: 6, maxBatchingWindowMs: 300, reportBatchItemFailures: true },
      script: (_e, call) =>
        call === 1
          ? {
              response: {
                batchItemFailures: [
                  { itemIdentifier: { partition: p0(topic), offset: 4 } },
                  { itemIdentifier: { partition: p0(topic), offset: 2 } },
                ],
              },
            }
          : undefined,
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 6 ? true : undefined));
    expect(run.calls.map((c) => c.offsets)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [2, 3, 4, 5],
    ]);
  });

  it('KAF-15 an empty list, a null list, an empty object and a null body are complete success', async () => {
    const topic = await createTopicWith(1);
    const replies: unknown[] = [{ batchItemFailures: [] }, { batchItemFailures: null }, {}, null];
    for (let i = 0; i < replies.length; i++) await produce(topic, [{ value: `v${i}` }]);
    const run = await runMapping({
      topic,
      options: { batchSize: 1, reportBatchItemFailures: true },
      script: (_e, call) => ({ response: replies[call - 1] ?? null }),
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 4 ? true : undefined));
    expect(run.calls.map((c) => c.offsets)).toEqual([[0], [1], [2], [3]]);
  });

  it('KAF-15 a partition or offset not in the event fails the whole batch: it is retried from its first record', async () => {
    const topic = await createTopicWith(1);
    await produce(
      topic,
      Array.from({ length: 3 }, (_, i) => ({ value: `v${i}` })),
    );
    const bad = [
      { itemIdentifier: { partition: 'other-topic-0', offset: 1 } },
      { itemIdentifier: { partition: p0(topic), offset: 99 } },
      { itemIdentifier: { partition: 0, offset: 1 } },
    ];
    const run = await runMapping({
      topic,
      options: { batchSize: 3, maxBatchingWindowMs: 300, reportBatchItemFailures: true },
      script: (_e, call) => (call <= bad.length ? { response: { batchItemFailures: [bad[call - 1]] } } : undefined),
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 3 ? true : undefined));
    expect(run.calls.map((c) => c.offsets)).toEqual(Array.from({ length: 4 }, () => [0, 1, 2]));
  });

  it('KAF-16/KAF-18 a kafka:// destination gets one message per given-up record, with the record as payload and its key reused', async () => {
    const topic = await createTopicWith(1);
    const dlt = await createTopicWith(1);
    const t0 = Date.now() - 1000;
    await produce(topic, [
      { key: 'order-1', value: 'bad-1', timestamp: String(t0) },
      { key: null, value: 'bad-2', timestamp: String(t0 + 1) },
    ]);
    const destination = kafkaConnector.createDestination!(`kafka://${dlt}`, {
      connection: { brokers: kafkaBrokers() },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics: noopMetrics,
    });
    const run = await runMapping({
      topic,
      options: { batchSize: 2, maxBatchingWindowMs: 300, maximumRetryAttempts: 2, onFailure: destination },
      script: () => 'fail',
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 2 ? true : undefined));
    await destination.close();
    const got = await readTopic(dlt, 2);
    expect(got.map((m) => m.key)).toEqual(['order-1', undefined]);
    const [first, second] = got.map((m) => m.value as FailureRecord);
    expect(first).toEqual({
      requestContext: {
        requestId: expect.any(String) as string,
        functionArn: FN_ARN,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String) as string,
      KafkaBatchInfo: {
        batchSize: 1,
        bootstrapServers: kafkaBrokers().join(','),
        payloadSize: Buffer.byteLength(JSON.stringify(first!.payload)),
        recordInfo: { offset: '0', timestamp: new Date(t0).toISOString() },
      },
      payload: {
        eventSource: 'SelfManagedKafka',
        bootstrapServers: kafkaBrokers().join(','),
        records: { [p0(topic)]: [run.calls[0]!.event.records[p0(topic)]![0]] },
      },
    });
    expect(second!.KafkaBatchInfo.recordInfo).toEqual({ offset: '1', timestamp: new Date(t0 + 1).toISOString() });
    expect(second!.payload.records[p0(topic)]!.map(value)).toEqual(['bad-2']);
  });

  it('KAF-19 offset lag (sum and max over partitions) and committed event count', async () => {
    const topic = await createTopicWith(2);
    await produce(topic, [
      ...Array.from({ length: 6 }, (_, i) => ({ partition: 0, value: `a${i}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ partition: 1, value: `b${i}` })),
    ]);
    const metrics = recordingMetrics();
    const gate = { open: false };
    const run = await runMapping({
      topic,
      metrics,
      consumer: { lagIntervalMs: 100 },
      script: () => (gate.open ? undefined : 'fail'),
    });
    await until(() => Promise.resolve(metrics.gauge('sluice_offset_lag') === 8 ? true : undefined));
    expect(metrics.gauge('sluice_offset_lag_max')).toBe(6);
    gate.open = true;
    await until(() => Promise.resolve(metrics.gauge('sluice_offset_lag') === 0 ? true : undefined));
    expect(metrics.gauge('sluice_offset_lag_max')).toBe(0);
    expect(metrics.counter('sluice_committed_events_total')).toBe(8);
    expect((await committed(run.group, topic)).get(0)).toBe(6);
  });
});

function byPartition(recs: KRecord[]): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (const r of recs) (out[r.partition] ??= []).push(r.offset);
  return out;
}

/** The first `n` messages of a topic: key (utf-8) and JSON value. */
async function readTopic(topic: string, n: number): Promise<Array<{ key: string | undefined; value: unknown }>> {
  const got: Array<{ key: string | undefined; value: unknown }> = [];
  const consumer = rawKafka().consumer({ groupId: randomUUID() });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        got.push({ key: message.key?.toString(), value: JSON.parse(message.value!.toString()) });
        return Promise.resolve();
      },
    });
    await until(() => Promise.resolve(got.length >= n ? true : undefined));
  } finally {
    await consumer.disconnect();
  }
  return got;
}
