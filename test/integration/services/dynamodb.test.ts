import { afterAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { closeClients, dynamoClient, streamsClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

describe('DynamoDB test server (DynamoDB Local + Streams)', () => {
  it('creates a table with a stream, writes an item and reads the INSERT record', async () => {
    const ddb = dynamoClient();
    const streams = streamsClient();
    const TableName = uniqueName('smoke');
    const { TableDescription } = await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const StreamArn = TableDescription?.LatestStreamArn;
    expect(StreamArn).toBeTruthy();

    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'id-1' }, n: { N: '42' } } }));

    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    const shard = StreamDescription?.Shards?.[0];
    expect(shard?.ShardId).toBeTruthy();
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn, ShardId: shard!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records?.map((r) => r.eventName)).toEqual(['INSERT']);
    expect(Records?.[0]?.dynamodb?.NewImage).toEqual({ pk: { S: 'id-1' }, n: { N: '42' } });
    expect(Records?.[0]?.dynamodb?.Keys).toEqual({ pk: { S: 'id-1' } });
  });
});
