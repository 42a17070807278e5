// #20 item 3 (reads): a Kafka partition's buffer is capped in bytes as well as records. With 100 KB records the old
// 5,000-record cap let one partition buffer ~500 MB; the byte cap (default 12 MiB, twice Lambda's 6 MB event) pauses
// the partition while nothing reads it, and every record still arrives, in order, once the engine reads again.
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConnector, type KafkaStreamSource } from '../../../connectors/kafka/index.js';
import type { Labels, Metrics } from '../../../src/ports/metrics.js';
import { kafkaBrokers } from './env.js';
import { createTopic, quietLogger, rawKafka, readAll } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

const RECORD_BYTES = 100 * 1024;
const RECORDS = 200; // 20 MB, more than the default cap plus one fetch
const MiB = 1024 * 1024;

function peakGauge(name: string): Metrics & { peak(): number; last(): number | undefined } {
  let peak = 0;
  let last: number | undefined;
  return {
    inc: () => {},
    observe: () => {},
    set: (n: string, _labels: Labels, v: number) => {
      if (n !== name) return;
      last = v;
      peak = Math.max(peak, v);
    },
    peak: () => peak,
    last: () => last,
  };
}

async function produceLarge(topic: string): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  const value = Buffer.alloc(RECORD_BYTES, 7);
  // Five records per request stay under the broker's default 1 MB request size.
  for (let i = 0; i < RECORDS; i += 5) {
    await producer.send({
      topic,
      messages: Array.from({ length: 5 }, (_, j) => ({ partition: 0, key: `k${i + j}`, value })),
    });
  }
  await producer.disconnect();
}

describe('Kafka partition buffer byte cap (#20)', () => {
  it('KAF-7 a 100 KB-record partition nobody reads buffers at most its byte cap plus one fetch, then delivers every record in order', async () => {
    const topic = await createTopic(rawKafka(), 1);
    await produceLarge(topic);
    const metrics = peakGauge('sluice_source_buffered_bytes');
    const src = kafkaConnector.createStreamSource!(
      `kafka://${topic}`,
      { mappingId: topic, consumerGroupId: topic, startingPosition: { type: 'TRIM_HORIZON' }, functionName: 'fn' },
      {
        connection: { brokers: kafkaBrokers(), consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 } },
        region: 'us-east-1',
        accountId: '000000000000',
        logger: quietLogger,
        metrics,
      },
    ) as KafkaStreamSource;
    closers.push(() => src.close());
    const [shard] = await src.listShards();
    const reader = await src.open(shard!, { type: 'TRIM_HORIZON' });

    // Nothing reads: the consumer fetches until the cap pauses the partition, and the buffer stays there.
    let steady = 0;
    for (let waited = 0; waited < 20_000 && steady < 15; waited += 200) {
      const before = metrics.last();
      await new Promise((r) => setTimeout(r, 200));
      steady = before !== undefined && before === metrics.last() && before > 0 ? steady + 1 : 0;
    }
    const capPlusFetch = 12 * MiB + 1 * MiB + RECORD_BYTES * 2;
    expect(metrics.peak()).toBeGreaterThan(4 * MiB);
    expect(metrics.peak()).toBeLessThanOrEqual(capPlusFetch);
    expect(src.stateOf(shard!.id)!.size).toBeLessThan(RECORDS);

    const got = (await readAll(new Map([[shard!.id, reader]]), RECORDS, 60_000)).get(shard!.id) ?? [];
    expect(got.map((r) => Number(r.position))).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    expect(metrics.peak()).toBeLessThanOrEqual(capPlusFetch);
  });
});
