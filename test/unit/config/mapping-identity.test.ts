// A mapping's identity (UUID, and with it checkpoints and the default consumer group) derives from what the mapping
// is, never from its position in the file (DESIGN: control plane; D-7, KAF-5).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';
import { identityUuid } from '../../../src/config/mapping-identity.js';

const fn = { Handler: 'functions/hello.handler' };
const kinesis = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
const sqs = 'arn:aws:sqs:us-east-1:000000000000:orders';
const kafkaConn = {
  kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'] },
  sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' },
  kinesis: { type: 'kinesis', endpoint: 'http://127.0.0.1:4567' },
};
const load = (mappings: unknown[]) =>
  loadConfigText(
    JSON.stringify({ connections: kafkaConn, functions: { f: fn, g: fn }, eventSourceMappings: mappings }),
    'test.json',
    {},
  );
const stream = { FunctionName: 'f', EventSourceArn: kinesis, StartingPosition: 'TRIM_HORIZON' };
const kafka = { FunctionName: 'f', Topics: ['orders'], Connection: 'kafka', StartingPosition: 'LATEST' };
const queue = { FunctionName: 'g', EventSourceArn: sqs };

/** The UUID earlier versions derived, with the mapping's position in the seed. */
const positional = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

describe('mapping identity', () => {
  it('KAF-5 inserting or reordering mappings keeps every UUID and default consumer group', () => {
    const before = load([stream, kafka]).config?.mappings ?? [];
    const after = load([queue, kafka, stream]).config?.mappings ?? [];
    expect(before).toHaveLength(2);
    expect(after[2]?.uuid).toBe(before[0]?.uuid);
    expect(after[1]?.uuid).toBe(before[1]?.uuid);
    // D-7: the default consumer group is the UUID, so it stays too.
    expect(after[1]?.consumerGroupId).toBe(before[1]?.consumerGroupId);
    expect(after[1]?.consumerGroupId).toBe(after[1]?.uuid);
  });

  it('KAF-5 the consumer group is part of the identity: one topic, two groups, two mappings', () => {
    const r = load([
      { ...kafka, SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'a' } },
      { ...kafka, SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'b' } },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.config?.mappings[0]?.uuid).not.toBe(r.config?.mappings[1]?.uuid);
  });

  it('two mappings of the same function and source need an explicit UUID (error with its JSON path)', () => {
    const r = load([stream, queue, { ...stream, BatchSize: 10 }]);
    expect(r.config).toBeUndefined();
    expect(r.problems).toMatchObject([
      {
        path: 'eventSourceMappings[2].UUID',
        message: expect.stringMatching(
          /same function, source and consumer group as eventSourceMappings\[0\].*explicit UUID/,
        ) as string,
      },
    ]);
    const fixed = load([stream, queue, { ...stream, BatchSize: 10, UUID: '7d0e2b8e-1c2f-4a44-9d1e-3f6a2b1c0d9e' }]);
    expect(fixed.problems).toEqual([]);
    const same = '7d0e2b8e-1c2f-4a44-9d1e-3f6a2b1c0d9e';
    expect(
      load([
        { ...stream, UUID: same },
        { ...queue, UUID: same },
      ]).problems[0]?.message,
    ).toMatch(/duplicate UUID/);
  });

  it('lists the former positional UUIDs (current position first) so their positions can be adopted', () => {
    const [q, s, k] = load([queue, stream, kafka]).config?.mappings ?? [];
    expect(s?.legacyUuids?.[0]).toBe(positional(`f|${kinesis}|1`));
    expect(s?.legacyUuids).toContain(positional(`f|${kinesis}|0`));
    expect(s?.legacyUuids).toContain(positional(`f|${kinesis}|7`));
    expect(s?.legacyConsumerGroups).toBeUndefined();
    expect(q?.legacyUuids?.[0]).toBe(positional(`g|${sqs}|0`));
    // Kafka's default consumer group was the positional UUID (D-7).
    expect(k?.legacyConsumerGroups?.[0]).toBe(positional('f|kafka://orders|2'));
    // An explicit UUID or ConsumerGroupId never moved: nothing to adopt.
    const explicit = load([
      { ...stream, UUID: '7d0e2b8e-1c2f-4a44-9d1e-3f6a2b1c0d9e' },
      { ...kafka, SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'mine' } },
    ]).config?.mappings;
    expect(explicit?.[0]?.legacyUuids).toBeUndefined();
    expect(explicit?.[1]?.legacyConsumerGroups).toBeUndefined();
    expect(explicit?.[1]?.consumerGroupId).toBe('mine');
  });

  it('Redis Streams: the default consumer group sluice-<UUID> follows the identity too', () => {
    const redis = { FunctionName: 'f', EventSourceArn: 'redis://orders', StartingPosition: 'LATEST' };
    const r = loadConfigText(
      JSON.stringify({
        connections: { redis: { type: 'redis', url: 'redis://127.0.0.1:6379' } },
        functions: { f: fn },
        eventSourceMappings: [{ ...redis, Connection: 'redis' }],
      }),
      'test.json',
      {},
    );
    const m = r.config?.mappings[0];
    expect(m?.consumerGroupId).toBe(`sluice-${m?.uuid}`);
    expect(m?.legacyConsumerGroups?.[0]).toBe(`sluice-${positional('f|redis://orders|0')}`);
  });

  it('what a connector says the mapping reads within its address is part of the identity, and only when said', () => {
    const before = identityUuid('f', 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1', undefined);
    expect(identityUuid('f', 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1', undefined, undefined)).toBe(before);
    const a = identityUuid('f', 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1', undefined, 'orders');
    const b = identityUuid('f', 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1', undefined, 'payments');
    expect(new Set([before, a, b]).size).toBe(3);
    // The seed of every UUID without it is the one of earlier versions.
    expect(identityUuid('f', kinesis, undefined)).toBe(positional(`sluice-mapping-v2|f|${kinesis}|`));
  });
});
