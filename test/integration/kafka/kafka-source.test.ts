// The Kafka source against a real broker: per-partition order, group-offset commits through the source's
// CheckpointStore, resume after the committed offset, partitions split across group members, starting positions.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaConnector, type KafkaStreamSource } from '../../../connectors/kafka/index.js';
import type { KafkaRecord } from '../../../connectors/kafka/event.js';
import { ShardLostError } from '../../../src/ports/errors.js';
import { noopMetrics, type Labels, type Metrics } from '../../../src/ports/metrics.js';
import type { ShardReader, StartPosition } from '../../../src/ports/sources.js';
import { kafkaBrokers } from './env.js';
import { createTopic, quietLogger, rawKafka, readAll, until } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

function source(
  topic: string,
  groupId: string,
  startingPosition: StartPosition = { type: 'TRIM_HORIZON' },
  metrics: Metrics = noopMetrics,
  consumer: Record<string, number> = {},
): KafkaStreamSource {
  const src = kafkaConnector.createStreamSource!(
    `kafka://${topic}`,
    { mappingId: groupId, consumerGroupId: groupId, startingPosition, functionName: 'fn' },
    {
      connection: {
        brokers: kafkaBrokers(),
        consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, ...consumer },
      },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics,
    },
  ) as KafkaStreamSource;
  closers.push(() => src.close());
  return src;
}

async function produce(topic: string, partition: number, n: number, from = 0): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: n }, (_, i) => ({
      partition,
      key: i % 2 === 0 ? `k${from + i}` : null,
      value: `v${partition}-${from + i}`,
      headers: { h: Buffer.from([0, 200, 255]) },
    })),
  });
  await producer.disconnect();
}

async function openAll(src: KafkaStreamSource): Promise<Map<string, ShardReader>> {
  const shards = await src.listShards();
  const readers = new Map<string, ShardReader>();
  for (const s of shards) readers.set(s.id, await src.open(s, { type: 'TRIM_HORIZON' }));
  return readers;
}

async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka source (real broker)', () => {
  it('KAF-1/KAF-11 reads every partition in offset order with the §4.1 record shape', async () => {
    const topic = await createTopic(rawKafka(), 3);
    for (const p of [0, 1, 2]) await produce(topic, p, 10);
    const src = source(topic, randomUUID());
    const readers = await openAll(src);
    expect([...readers.keys()].sort()).toEqual([0, 1, 2].map((p) => `${topic}-${p}`));
    const got = await readAll(readers, 30);
    for (const p of [0, 1, 2]) {
      const recs = got.get(`${topic}-${p}`)!.map((r) => r.record as unknown as KafkaRecord);
      expect(recs.map((r) => r.offset)).toEqual([...Array(10).keys()]);
      expect(recs.map((r) => Buffer.from(r.value!, 'base64').toString())).toEqual(
        [...Array(10).keys()].map((i) => `v${p}-${i}`),
      );
      expect(recs[0]).toMatchObject({
        topic,
        partition: p,
        timestampType: 'CREATE_TIME',
        headers: [{ h: [0, 200, 255] }],
      });
      expect(Buffer.from(recs[0]!.key!, 'base64').toString()).toBe('k0');
      expect('key' in recs[1]!).toBe(false); // D-7: null key omitted
    }
    const event = JSON.parse(
      src.events.event({ id: `${topic}-1`, parentIds: [] }, got.get(`${topic}-1`)!.slice(0, 2)).toString(),
    ) as {
      eventSource: string;
      bootstrapServers: string;
      records: Record<string, unknown[]>;
    };
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(event.bootstrapServers).toBe(kafkaBrokers().join(','));
    expect(Object.keys(event.records)).toEqual([`${topic}-1`]);
    expect(src.events.itemIdentifier(got.get(`${topic}-1`)![3]!)).toEqual({ partition: `${topic}-1`, offset: 3 });
  });

  it('KAF-7/KAF-5 commits offset+1 through the partition reader; a new member resumes after it', async () => {
    const topic = await createTopic(rawKafka(), 1);
    await produce(topic, 0, 10);
    const group = randomUUID();
    const metrics = recordingMetrics();
    const a = source(topic, group, { type: 'TRIM_HORIZON' }, metrics);
    const readers = await openAll(a);
    const shardId = `${topic}-0`;
    await readAll(readers, 10);
    expect(a.positions).toBe('source');
    const reader = readers.get(shardId)!;
    await reader.commit!('4');
    expect((await committed(group, topic)).get(0)).toBe(5);
    expect(metrics.counters.get('sluice_committed_events_total')).toBe(5);
    await reader.commit!('2'); // never backwards
    expect((await committed(group, topic)).get(0)).toBe(5);
    expect(await a.updateLag()).toEqual({ sum: 5, max: 5 });
    await a.close();

    // StartingPosition LATEST is ignored: the group has a committed offset (KAF-5).
    const b = source(topic, group, { type: 'LATEST' });
    const got = await readAll(await openAll(b), 5);
    expect(got.get(shardId)!.map((r) => r.position)).toEqual(['5', '6', '7', '8', '9']);
  });

  it('KAF-11 two members of one group split the partitions; the revoked reader throws ShardLostError', async () => {
    const topic = await createTopic(rawKafka(), 4);
    const group = randomUUID();
    const a = source(topic, group);
    const aReaders = await openAll(a);
    expect(aReaders.size).toBe(4);
    let changed = 0;
    a.onShardsChanged(() => changed++);
    const b = source(topic, group);
    await b.start();
    const [aShards, bShards] = await until(async () => {
      const [x, y] = [await a.listShards(), await b.listShards()];
      return x.length + y.length === 4 && x.length > 0 && y.length > 0 ? [x, y] : undefined;
    });
    const ids = [...aShards, ...bShards].map((s) => s.id).sort();
    expect(ids).toEqual([0, 1, 2, 3].map((p) => `${topic}-${p}`).sort());
    expect(changed).toBeGreaterThan(0);
    const lost = [...aReaders.keys()].find((id) => bShards.some((s) => s.id === id))!;
    await expect(aReaders.get(lost)!.read(10, new AbortController().signal)).rejects.toBeInstanceOf(ShardLostError);
    // Commits for a partition this member no longer owns are skipped, never sent.
    await aReaders.get(lost)!.commit!('100');
    expect((await committed(group, topic)).get(Number(lost.split('-').pop()))).toBe(-1);
  });

  it('KAF-11 a partition kept through a rebalance does not hand out again what its reader already read', async () => {
    const topic = await createTopic(rawKafka(), 4);
    for (const p of [0, 1, 2, 3]) await produce(topic, p, 5);
    const group = randomUUID();
    const a = source(topic, group);
    const aReaders = await openAll(a);
    await readAll(aReaders, 20); // read, never committed
    const b = source(topic, group);
    await b.start();
    const kept = await until(async () => {
      const [x, y] = [await a.listShards(), await b.listShards()];
      return x.length + y.length === 4 && y.length > 0 ? x.map((s) => s.id) : undefined;
    });
    expect(kept.length).toBeGreaterThan(0);
    // kafkajs refetches kept partitions from the (empty) committed offset after the rejoin: nothing comes back.
    const keptReaders = new Map(kept.map((id) => [id, aReaders.get(id)!]));
    expect((await readAll(keptReaders, 1, 1500)).size).toBe(0);
    for (const id of kept) await produce(topic, Number(id.split('-').pop()), 1, 50);
    const next = await readAll(keptReaders, kept.length);
    for (const id of kept) expect(next.get(id)!.map((r) => r.position)).toEqual(['5']);
    // The partitions that moved start over at the group's offset on the new member: duplicates, never gaps.
    const bReaders = await openAll(b);
    const moved = await readAll(bReaders, 5 * bReaders.size);
    for (const recs of moved.values()) expect(recs[0]!.position).toBe('0');
  });

  it('KAF-6 LATEST reads only records written after the group joined', async () => {
    const topic = await createTopic(rawKafka(), 1);
    await produce(topic, 0, 3);
    const src = source(topic, randomUUID(), { type: 'LATEST' });
    const readers = await openAll(src);
    expect((await readAll(readers, 1, 1500)).size).toBe(0);
    await produce(topic, 0, 2, 100);
    const got = await readAll(readers, 2);
    expect(got.get(`${topic}-0`)!.map((r) => r.position)).toEqual(['3', '4']);
  });

  it('KAF-6 AT_TIMESTAMP seeks each partition to the first record at or after the timestamp', async () => {
    const topic = await createTopic(rawKafka(), 2);
    for (const p of [0, 1]) await produce(topic, p, 3);
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    for (const p of [0, 1]) await produce(topic, p, 2, 10);
    const src = source(topic, randomUUID(), { type: 'AT_TIMESTAMP', timestampMs: t });
    const got = await readAll(await openAll(src), 4);
    for (const p of [0, 1]) expect(got.get(`${topic}-${p}`)!.map((r) => r.position)).toEqual(['3', '4']);
  });

  it('a full buffer pauses the partition yet the member keeps its group membership (dapr/dapr#8796)', async () => {
    const topic = await createTopic(rawKafka(), 1);
    await produce(topic, 0, 50);
    const group = randomUUID();
    const src = source(topic, group, { type: 'TRIM_HORIZON' }, noopMetrics, {
      bufferRecords: 10,
      sessionTimeoutMs: 6000,
    });
    let changes = 0;
    const readers = await openAll(src);
    src.onShardsChanged(() => changes++);
    // Nothing reads for longer than the session timeout: heartbeats must go on while paused.
    await new Promise((r) => setTimeout(r, 8000));
    expect(changes).toBe(0);
    const got = await readAll(readers, 50);
    expect(got.get(`${topic}-0`)!.map((r) => Number(r.position))).toEqual([...Array(50).keys()]);
  });
});

function recordingMetrics(): Metrics & { counters: Map<string, number> } {
  const counters = new Map<string, number>();
  return {
    counters,
    inc: (name: string, _labels?: Labels, value = 1) => void counters.set(name, (counters.get(name) ?? 0) + value),
    set: () => {},
    observe: () => {},
  };
}
