// The stream engine over the Kafka source on a real broker: a failed batch is retried, every record reaches the
// function once and in offset order per partition, and the group's offsets end after the last record (KAF-7).
// A second member joining mid-way shares the partitions without losing records.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConnector, type KafkaStreamSource } from '../../../connectors/kafka/index.js';
import { systemClock } from '../../../src/app/clock.js';
import { createStreamMapping, type StreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { kafkaBrokers } from './env.js';
import { createTopic, quietLogger, rawKafka, until } from './helpers.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
});

interface Seen {
  byPartition: Map<number, number[]>;
  count: Map<string, number>;
}

function invoker(seen: Seen, failFirst: { left: number }): Invoker {
  return {
    has: () => true,
    invoke: (_fn, req): Promise<InvokeResult> => {
      const event = JSON.parse(Buffer.from(req.payload).toString()) as {
        records: Record<string, Array<{ partition: number; offset: number; value: string }>>;
      };
      if (failFirst.left > 0) {
        failFirst.left--;
        return Promise.resolve({
          kind: 'function-error',
          payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
          errorType: 'Error',
          durationMs: 1,
          coldStart: false,
        });
      }
      for (const recs of Object.values(event.records))
        for (const r of recs) {
          const list = seen.byPartition.get(r.partition) ?? [];
          list.push(r.offset);
          seen.byPartition.set(r.partition, list);
          const v = Buffer.from(r.value, 'base64').toString();
          seen.count.set(v, (seen.count.get(v) ?? 0) + 1);
        }
      return Promise.resolve({ kind: 'success', payload: Buffer.from(''), durationMs: 1, coldStart: false });
    },
  };
}

function start(topic: string, group: string, seen: Seen, failFirst: { left: number }): StreamMapping {
  const source = kafkaConnector.createStreamSource!(
    `kafka://${topic}`,
    { mappingId: group, consumerGroupId: group, startingPosition: { type: 'TRIM_HORIZON' } },
    {
      connection: { brokers: kafkaBrokers(), consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500 } },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics: noopMetrics,
    },
  ) as KafkaStreamSource;
  const mapping = createStreamMapping({
    source,
    invoker: invoker(seen, failFirst),
    metrics: noopMetrics,
    clock: systemClock,
    logger: quietLogger,
    options: {
      mappingId: group,
      functionName: 'fn',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      batchSize: 25,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition: { type: 'TRIM_HORIZON' },
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 20, maxMs: 200 },
      shardDiscoveryIntervalMs: 500,
    },
  });
  stops.push(async () => {
    await mapping.stop(2000);
    await source.close();
  });
  return mapping;
}

async function produce(topic: string, from: number, n: number): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: String(from + i) })),
  });
  await producer.disconnect();
}

async function committedTotal(group: string, topic: string): Promise<number> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('stream engine over Kafka (real broker)', () => {
  it('KAF-7/KAF-11/KAF-12 retries a failed batch, delivers every record once in order, commits to the end', async () => {
    const topic = await createTopic(rawKafka(), 3);
    await produce(topic, 0, 300);
    const group = randomUUID();
    const seen: Seen = { byPartition: new Map(), count: new Map() };
    await start(topic, group, seen, { left: 1 }).start();
    await until(() => Promise.resolve(seen.count.size >= 300 ? true : undefined));
    for (const offsets of seen.byPartition.values()) expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect([...seen.count.values()].every((c) => c === 1)).toBe(true);
    await until(async () => ((await committedTotal(group, topic)) === 300 ? true : undefined));
  });

  it('KAF-5 a second member joining mid-way takes partitions over without losing records', async () => {
    const topic = await createTopic(rawKafka(), 4);
    await produce(topic, 0, 200);
    const group = randomUUID();
    const seen: Seen = { byPartition: new Map(), count: new Map() };
    await start(topic, group, seen, { left: 0 }).start();
    await until(() => Promise.resolve(seen.count.size >= 200 ? true : undefined));
    await start(topic, group, seen, { left: 0 }).start();
    await produce(topic, 200, 200);
    await until(() => Promise.resolve(seen.count.size >= 400 ? true : undefined));
    await until(async () => ((await committedTotal(group, topic)) === 400 ? true : undefined));
    // Rebalances may replay uncommitted records (at least once), never skip one.
    expect([...Array(400).keys()].every((i) => seen.count.has(String(i)))).toBe(true);
  });
});
