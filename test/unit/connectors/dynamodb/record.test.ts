import { describe, expect, it } from 'vitest';
import { dynamoDbStreamsConnector } from '../../../../connectors/dynamodb/index.js';
import { keysPartitionKey, toDynamoDbStreamRecord } from '../../../../connectors/dynamodb/record.js';
import { dynamoDbShardInfoOf } from '../../../../connectors/dynamodb/source.js';

const arn = 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899';
const ctx = { streamArn: arn, region: 'us-east-1' };

describe('dynamodb streams record mapping (§5.3)', () => {
  it('maps a MODIFY record with NEW_AND_OLD_IMAGES to the exact Lambda record', () => {
    const r = toDynamoDbStreamRecord(
      {
        eventID: 'c4ca4238a0b923820dcc509a6f75849b',
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date(1479499740000),
          Keys: { Id: { N: '101' } },
          NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
          OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
          SequenceNumber: '222',
          SizeBytes: 59,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
      ctx,
    );
    expect(r.record).toStrictEqual({
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1479499740,
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
        OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        SequenceNumber: '222',
        SizeBytes: 59,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: arn,
    });
    expect(r.position).toBe('222');
    expect(r.arrivalMs).toBe(1479499740000);
    expect(r.partitionKey).toBe(keysPartitionKey({ Id: { N: '101' } }));
  });

  it('keeps attribute values in DynamoDB JSON, binary as base64, nested maps and lists included', () => {
    const r = toDynamoDbStreamRecord(
      {
        eventID: 'e',
        eventName: 'INSERT',
        dynamodb: {
          ApproximateCreationDateTime: new Date(1000),
          Keys: { pk: { B: new Uint8Array([1, 2, 3]) } },
          NewImage: {
            pk: { B: new Uint8Array([1, 2, 3]) },
            set: { BS: [new Uint8Array([255])] },
            nested: { M: { l: { L: [{ NULL: true }, { BOOL: false }, { NS: ['1', '2'] }, { SS: ['a'] }] } } },
          },
          SequenceNumber: '1',
          SizeBytes: 10,
          StreamViewType: 'NEW_IMAGE',
        },
      },
      ctx,
    );
    const dynamodb = r.record.dynamodb as Record<string, unknown>;
    expect(dynamodb.Keys).toStrictEqual({ pk: { B: 'AQID' } });
    expect(dynamodb.NewImage).toStrictEqual({
      pk: { B: 'AQID' },
      set: { BS: ['/w=='] },
      nested: { M: { l: { L: [{ NULL: true }, { BOOL: false }, { NS: ['1', '2'] }, { SS: ['a'] }] } } },
    });
    expect(dynamodb).not.toHaveProperty('OldImage');
    expect(dynamodb.ApproximateCreationDateTime).toBe(1);
  });

  it('adds userIdentity only for TTL deletes', () => {
    const r = toDynamoDbStreamRecord(
      {
        eventID: 'e',
        eventName: 'REMOVE',
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
        dynamodb: { Keys: { Id: { S: 'a' } }, SequenceNumber: '9', SizeBytes: 5, StreamViewType: 'KEYS_ONLY' },
      },
      ctx,
    );
    expect(r.record.userIdentity).toStrictEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });

  it('D-2 gives the same partition key for the same item keys in any order, different for other items', () => {
    const a = keysPartitionKey({ pk: { S: 'x' }, sk: { N: '1' } });
    const b = keysPartitionKey({ sk: { N: '1' }, pk: { S: 'x' } });
    const c = keysPartitionKey({ pk: { S: 'x' }, sk: { N: '2' } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('STR-40 reads lineage from ParentShardId', () => {
    expect(
      dynamoDbShardInfoOf({
        ShardId: 'shardId-2',
        ParentShardId: 'shardId-1',
        SequenceNumberRange: { StartingSequenceNumber: '10' },
      }),
    ).toStrictEqual({ id: 'shardId-2', parentIds: ['shardId-1'], closed: false });
  });

  it('matches table stream ARNs only', () => {
    expect(dynamoDbStreamsConnector.matches(arn)).toBe(true);
    expect(dynamoDbStreamsConnector.matches('arn:aws:dynamodb:us-east-1:123456789012:table/T')).toBe(false);
  });
});
