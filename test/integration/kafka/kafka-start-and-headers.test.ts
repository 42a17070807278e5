// Nothing lost on real Kafka: a LATEST start is pinned in the group before the first commit (a restart resumes
// where the first run began), and a header with a null value is delivered instead of crashing the consumer.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConnector, type KafkaStreamSource } from '../../../connectors/kafka/index.js';
import type { KafkaRecord } from '../../../connectors/kafka/event.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { ShardReader, StartPosition } from '../../../src/ports/sources.js';
import { cacheDir, repoRoot } from '../../services/paths.js';
import { kafkaBrokers } from './env.js';
import { createTopic, quietLogger, rawKafka, readAll } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

function source(topic: string, groupId: string, startingPosition: StartPosition): KafkaStreamSource {
  const src = kafkaConnector.createStreamSource!(
    `kafka://${topic}`,
    { mappingId: groupId, consumerGroupId: groupId, startingPosition, functionName: 'fn' },
    {
      connection: { brokers: kafkaBrokers(), consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 } },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics: noopMetrics,
    },
  ) as KafkaStreamSource;
  closers.push(() => src.close());
  return src;
}

async function openAll(src: KafkaStreamSource): Promise<Map<string, ShardReader>> {
  const readers = new Map<string, ShardReader>();
  for (const s of await src.listShards()) readers.set(s.id, await src.open(s, { type: 'LATEST' }));
  return readers;
}

async function produce(topic: string, partitions: number, tag: string): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: partitions * 3 }, (_, i) => ({ partition: i % partitions, value: `${tag}${i}` })),
  });
  await producer.disconnect();
}

const values = (got: Map<string, { record: unknown }[]>) =>
  [...got.values()]
    .flat()
    .map((r) => Buffer.from((r.record as KafkaRecord).value!, 'base64').toString())
    .sort();

describe('Kafka: nothing lost (real broker)', () => {
  it('KAF-6 LATEST is pinned at the first start: records produced while sluice is down before any commit are delivered', async () => {
    const topic = await createTopic(rawKafka(), 2);
    await produce(topic, 2, 'before-'); // before the mapping existed: LATEST skips these
    const group = randomUUID();
    const first = source(topic, group, { type: 'LATEST' });
    await openAll(first);
    await produce(topic, 2, 'during-'); // read by nobody: the first run stops before any commit
    await first.close();
    await produce(topic, 2, 'down-');

    const second = source(topic, group, { type: 'LATEST' });
    const got = await readAll(await openAll(second), 12);
    expect(values(got)).toEqual(
      [...[0, 1, 2, 3, 4, 5].map((i) => `down-${i}`), ...[0, 1, 2, 3, 4, 5].map((i) => `during-${i}`)].sort(),
    );
  });

  it('KAF-3 a header with a null value reaches the function as an empty byte array; the consumer does not crash', async () => {
    const topic = await createTopic(rawKafka(), 1);
    const src = source(topic, randomUUID(), { type: 'TRIM_HORIZON' });
    const readers = await openAll(src);
    await promisify(execFile)(
      'java',
      [
        '-cp',
        path.join(cacheDir(), 'kafka-3.9.1', 'lib', '*'),
        path.join(repoRoot, 'test/fixtures/kafka-java/NullHeaderProducer.java'),
        kafkaBrokers().join(','),
        topic,
        '3',
      ],
      { timeout: 120_000 },
    );
    const got = await readAll(readers, 3, 30_000);
    const recs = [...got.values()].flat().map((r) => r.record as unknown as KafkaRecord);
    expect(recs.map((r) => r.offset)).toEqual([0, 1, 2]);
    for (const r of recs) expect(r.headers).toEqual([{ empty: [] }, { h: [1, 2, 200] }]);
  });
});
