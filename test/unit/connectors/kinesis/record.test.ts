import { describe, expect, it } from 'vitest';
import { kinesisConnector } from '../../../../connectors/kinesis/index.js';
import { toKinesisStreamRecord } from '../../../../connectors/kinesis/record.js';
import { classifyKinesisError, shardInfoOf } from '../../../../connectors/kinesis/source.js';
import { SluiceError } from '../../../../src/ports/errors.js';

const ctx = {
  shardId: 'shardId-000000000006',
  streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
  region: 'us-east-2',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/sluice',
};

describe('kinesis record mapping (§5.2)', () => {
  it('maps a GetRecords record to the exact Lambda Kinesis record', () => {
    const seq = '49590338271490256608559692538361571095921575989136588898';
    const r = toKinesisStreamRecord(
      {
        SequenceNumber: seq,
        PartitionKey: '1',
        Data: new TextEncoder().encode('Hello, this is a test.'),
        ApproximateArrivalTimestamp: new Date(1545084650987),
      },
      ctx,
    );
    expect(r.record).toStrictEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: seq,
        data: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
        approximateArrivalTimestamp: 1545084650.987,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000006:${seq}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/sluice',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    });
    expect(r.position).toBe(seq);
    expect(r.partitionKey).toBe('1');
    expect(r.arrivalMs).toBe(1545084650987);
    expect(r.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(r.record)));
  });

  it('P-12 sizeBytes is the exact JSON size of the record, whatever the partition key holds', () => {
    for (const pk of ['plain', 'quote"d', 'back\\slash', 'ü-umlaut', 'new\nline', '😀', '\u0001', '']) {
      for (const ms of [0, 1545084650987, 1545084650900, 1700000000000]) {
        const r = toKinesisStreamRecord(
          {
            SequenceNumber: '4959033827149',
            PartitionKey: pk,
            Data: new Uint8Array([1, 2, 3, 4]),
            ApproximateArrivalTimestamp: new Date(ms),
          },
          ctx,
        );
        expect(r.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(r.record)));
      }
    }
  });

  it('encodes only the viewed bytes of a Data slice', () => {
    const backing = new TextEncoder().encode('xxabcxx');
    const r = toKinesisStreamRecord(
      {
        SequenceNumber: '1',
        PartitionKey: 'k',
        Data: backing.subarray(2, 5),
        ApproximateArrivalTimestamp: new Date(0),
      },
      ctx,
    );
    expect((r.record.kinesis as { data: string }).data).toBe(Buffer.from('abc').toString('base64'));
  });

  it('STR-40 lists both parents of a merged shard and marks closed shards', () => {
    expect(
      shardInfoOf({
        ShardId: 'shardId-000000000003',
        ParentShardId: 'shardId-000000000001',
        AdjacentParentShardId: 'shardId-000000000002',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
        SequenceNumberRange: { StartingSequenceNumber: '5' },
      }),
    ).toStrictEqual({
      id: 'shardId-000000000003',
      parentIds: ['shardId-000000000001', 'shardId-000000000002'],
      closed: false,
    });
    expect(
      shardInfoOf({
        ShardId: 'shardId-000000000001',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
        SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '4' },
      }),
    ).toStrictEqual({ id: 'shardId-000000000001', parentIds: [], closed: true });
  });

  it('turns throttling into a retryable error and leaves other errors alone', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    const out = classifyKinesisError(throttled, 'GetRecords');
    expect(out).toBeInstanceOf(SluiceError);
    expect(out).toMatchObject({ retryable: true, code: 'ProvisionedThroughputExceededException', cause: throttled });
    const other = Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' });
    expect(classifyKinesisError(other, 'GetRecords')).toBe(other);
  });

  it('matches Kinesis stream ARNs only', () => {
    expect(kinesisConnector.matches('arn:aws:kinesis:us-east-1:000000000000:stream/orders')).toBe(true);
    expect(kinesisConnector.matches('arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/c:1')).toBe(false);
    expect(kinesisConnector.matches('arn:aws:sqs:us-east-1:000000000000:orders')).toBe(false);
  });
});
