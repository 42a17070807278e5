// P-12: the engine counts a stream event as sent from two numbers: the envelope (the event of the batch's first
// record alone, less that record) and each record's sizeBytes plus a separator. This holds for every stream
// connector's real event shape, so a batch the engine sizes at 6,291,456 bytes serializes to exactly that.
import { describe, expect, it } from 'vitest';
import { toKinesisStreamRecord } from '../../../connectors/kinesis/record.js';
import { toDynamoDbStreamRecord } from '../../../connectors/dynamodb/record.js';
import {
  buildKafkaEvent,
  toKafkaRecord,
  toStreamRecord as kafkaStreamRecord,
} from '../../../connectors/kafka/event.js';
import {
  buildRedisEvent,
  toRedisRecord,
  toStreamRecord as redisStreamRecord,
} from '../../../connectors/redis/event.js';
import type { StreamRecord } from '../../../src/ports/sources.js';

// Events are UTF-8 bytes (ports/event-json.ts); the tests' own objects are stringified.
const bytes = (v: unknown) =>
  Buffer.isBuffer(v) ? v.length : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v));

function expectCountedAsSent(build: (records: readonly StreamRecord[]) => unknown, records: StreamRecord[]): void {
  const envelope = bytes(build(records.slice(0, 1))) - records[0]!.sizeBytes;
  const counted = envelope + records.reduce((n, r) => n + r.sizeBytes, 0) + records.length - 1;
  expect(counted).toBe(bytes(build(records)));
}

const kinesisCtx = {
  shardId: 'shardId-000000000000',
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
  region: 'us-east-1',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/sluice',
};

describe('P-12 stream events are counted as sent', () => {
  it('P-12 Kinesis', () => {
    const records = ['a', 'ü "quoted"', ''].map((d, i) =>
      toKinesisStreamRecord(
        {
          SequenceNumber: `4959033827149025660855969253836157109592157598913658889${i}`,
          PartitionKey: `k\\${i}`,
          Data: new TextEncoder().encode(d),
          ApproximateArrivalTimestamp: new Date(1545084650987 + i),
        },
        kinesisCtx,
      ),
    );
    expectCountedAsSent((rs) => ({ Records: rs.map((r) => r.record) }), records);
  });

  it('P-12 DynamoDB Streams', () => {
    const ctx = { streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x', region: 'us-east-1' };
    const records = [1, 2].map((i) =>
      toDynamoDbStreamRecord(
        {
          eventID: `id-${i}`,
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: {
            ApproximateCreationDateTime: new Date(1479499740000),
            Keys: { Id: { N: String(i) } },
            NewImage: { Id: { N: String(i) }, Text: { S: 'é "x"' } },
            SequenceNumber: String(100 + i),
            SizeBytes: 20,
            StreamViewType: 'NEW_IMAGE',
          },
        },
        ctx,
      ),
    );
    expectCountedAsSent((rs) => ({ Records: rs.map((r) => r.record) }), records);
  });

  it('P-12 Kafka (records grouped under "<topic>-<partition>")', () => {
    const records = [0, 1, 2].map((i) =>
      kafkaStreamRecord(
        toKafkaRecord('orders', 3, {
          key: Buffer.from(`k${i}`),
          value: Buffer.from(`value ${i}`),
          timestamp: '1545084650987',
          offset: String(10 + i),
          headers: { h: Buffer.from('v') },
        }),
      ),
    );
    expectCountedAsSent((rs) => buildKafkaEvent('localhost:9092', rs), records);
    expectCountedAsSent(
      (rs) => buildKafkaEvent('localhost:9092', rs, 'arn:aws:kafka:us-east-1:1:cluster/c/x'),
      records,
    );
  });

  it('P-12 Redis Streams', () => {
    const records = ['1700000000123-0', '1700000000123-1'].map((id) =>
      redisStreamRecord(toRedisRecord('orders', id, ['type', 'created "now"', 'n', '1'], 'us-east-1')),
    );
    expectCountedAsSent(buildRedisEvent, records);
  });
});
