// The DynamoDB Streams source against DynamoDB Local: the §5.3 record shapes for INSERT/MODIFY/REMOVE with
// NEW_AND_OLD_IMAGES, order, resume AFTER a sequence number, LATEST, and shard listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbStreamsConnector } from '../../../connectors/dynamodb/index.js';
import type { ConnectorContext } from '../../../src/ports/connector.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { ShardInfo, ShardReader, StreamRecord, StreamSource } from '../../../src/ports/sources.js';
import { DYNAMODB_TEST_CREDENTIALS, dynamoDbEndpoint } from './env.js';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };
const signal = new AbortController().signal;

let endpoint: string;
let ddb: DynamoDBClient;
const sources: StreamSource[] = [];
let counter = 0;

beforeAll(() => {
  endpoint = dynamoDbEndpoint();
  ddb = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: DYNAMODB_TEST_CREDENTIALS });
});

afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  ddb?.destroy();
});

/** A table with pk (S) + sk (N) keys and a NEW_AND_OLD_IMAGES stream; returns the stream ARN. */
async function createTable(): Promise<{ table: string; streamArn: string }> {
  const table = `sluice-${process.pid}-${Date.now()}-${++counter}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const out = await ddb.send(new DescribeTableCommand({ TableName: table }));
  const streamArn = out.Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error('DynamoDB Local created no stream');
  return { table, streamArn };
}

function source(streamArn: string): StreamSource {
  const ctx: ConnectorContext = {
    connection: { endpoint, region: 'us-east-1', credentials: DYNAMODB_TEST_CREDENTIALS },
    region: 'us-east-1',
    accountId: '000000000000',
    logger: quietLogger,
    metrics: noopMetrics,
  };
  expect(dynamoDbStreamsConnector.matches(streamArn)).toBe(true);
  const created = dynamoDbStreamsConnector.createStreamSource?.(
    streamArn,
    { mappingId: 'm', startingPosition: { type: 'TRIM_HORIZON' } },
    ctx,
  );
  if (created === undefined) throw new Error('dynamodb connector has no stream source');
  sources.push(created);
  return created;
}

async function readAll(reader: ShardReader, want: number): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  for (let i = 0; i < 50 && records.length < want; i++) {
    const r = await reader.read(1000, signal);
    records.push(...r.records);
    if (r.endOfShard) break;
    if (r.records.length === 0) await new Promise((res) => setTimeout(res, 20));
  }
  return records;
}

/** DynamoDB Local keeps one open shard per table stream while the table is small. */
async function openShard(src: StreamSource): Promise<ShardInfo> {
  const shards = await src.listShards();
  expect(shards.length).toBeGreaterThanOrEqual(1);
  const open = shards.filter((s) => s.closed !== true);
  expect(open).toHaveLength(1);
  return open[0] as ShardInfo;
}

async function writeInsertModifyRemove(table: string): Promise<void> {
  const Key = { pk: { S: 'item-1' }, sk: { N: '7' } };
  await ddb.send(
    new PutItemCommand({
      TableName: table,
      Item: { ...Key, msg: { S: 'New item!' }, bin: { B: new Uint8Array([1, 2, 3]) }, tags: { SS: ['a', 'b'] } },
    }),
  );
  await ddb.send(
    new UpdateItemCommand({
      TableName: table,
      Key,
      UpdateExpression: 'SET msg = :m',
      ExpressionAttributeValues: { ':m': { S: 'This item has changed' } },
    }),
  );
  await ddb.send(new DeleteItemCommand({ TableName: table, Key }));
}

describe('dynamodb streams source (DynamoDB Local)', () => {
  it('STR-5 reads INSERT, MODIFY, REMOVE in order with the §5.3 NEW_AND_OLD_IMAGES shape', async () => {
    const { table, streamArn } = await createTable();
    await writeInsertModifyRemove(table);
    const src = source(streamArn);
    expect(src.positions).toBe('engine');
    const shard = await openShard(src);
    const records = await readAll(await src.open(shard, { type: 'TRIM_HORIZON' }), 3);
    expect(records.map((r) => r.record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records as [StreamRecord, StreamRecord, StreamRecord];
    const Keys = { pk: { S: 'item-1' }, sk: { N: '7' } };
    const region = streamArn.split(':')[3];
    for (const r of records) {
      expect(Object.keys(r.record).sort()).toEqual(
        ['awsRegion', 'dynamodb', 'eventID', 'eventName', 'eventSource', 'eventSourceARN', 'eventVersion'].sort(),
      );
      expect(r.record).toMatchObject({
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        eventSourceARN: streamArn,
      });
      expect(typeof r.record.eventID).toBe('string');
      const d = r.record.dynamodb as Record<string, unknown>;
      expect(d.Keys).toEqual(Keys);
      expect(d.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(d.SequenceNumber).toBe(r.position);
      expect(typeof d.SizeBytes).toBe('number');
      // Epoch seconds, not milliseconds and not a Date.
      expect(typeof d.ApproximateCreationDateTime).toBe('number');
      expect(Math.abs((d.ApproximateCreationDateTime as number) - Date.now() / 1000)).toBeLessThan(600);
      expect(r.arrivalMs).toBe((d.ApproximateCreationDateTime as number) * 1000);
      expect(src.events.itemIdentifier(r)).toBe(d.SequenceNumber);
    }
    expect(new Set(records.map((r) => r.partitionKey)).size).toBe(1);
    expect(BigInt(insert.position) < BigInt(modify.position)).toBe(true);
    expect(BigInt(modify.position) < BigInt(remove.position)).toBe(true);

    const di = insert.record.dynamodb as Record<string, unknown>;
    expect(di.NewImage).toEqual({ ...Keys, msg: { S: 'New item!' }, bin: { B: 'AQID' }, tags: { SS: ['a', 'b'] } });
    expect(di).not.toHaveProperty('OldImage');
    const dm = modify.record.dynamodb as Record<string, unknown>;
    expect(dm.OldImage).toEqual(di.NewImage);
    expect(dm.NewImage).toEqual({
      ...Keys,
      msg: { S: 'This item has changed' },
      bin: { B: 'AQID' },
      tags: { SS: ['a', 'b'] },
    });
    const dr = remove.record.dynamodb as Record<string, unknown>;
    expect(dr.OldImage).toEqual(dm.NewImage);
    expect(dr).not.toHaveProperty('NewImage');
    expect(JSON.parse(src.events.event(shard, records).toString())).toEqual({ Records: records.map((r) => r.record) });
    // STR-29: the on-failure record's block is DDBStreamBatchInfo, arrival times in whole seconds.
    expect(src.events.failureInfo(shard, records)).toEqual({
      DDBStreamBatchInfo: expect.objectContaining({
        shardId: shard.id,
        batchSize: 3,
        approximateArrivalOfFirstRecord: new Date(insert.arrivalMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      }) as unknown,
    });
  });

  it('resumes AFTER a checkpointed sequence number without replaying it', async () => {
    const { table, streamArn } = await createTable();
    await writeInsertModifyRemove(table);
    const src = source(streamArn);
    const shard = await openShard(src);
    const all = await readAll(await src.open(shard, { type: 'TRIM_HORIZON' }), 3);
    const resumed = await readAll(
      await src.open(shard, { type: 'AFTER', position: (all[0] as StreamRecord).position }),
      2,
    );
    expect(resumed.map((r) => r.record.eventName)).toEqual(['MODIFY', 'REMOVE']);
    expect(resumed.map((r) => r.position)).toEqual(all.slice(1).map((r) => r.position));
  });

  it('LATEST returns only changes made after the reader opened', async () => {
    const { table, streamArn } = await createTable();
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'before' }, sk: { N: '1' } } }));
    const src = source(streamArn);
    const reader = await src.open(await openShard(src), { type: 'LATEST' });
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'after' }, sk: { N: '2' } } }));
    const records = await readAll(reader, 1);
    expect(records.map((r) => (r.record.dynamodb as { Keys: unknown }).Keys)).toEqual([
      { pk: { S: 'after' }, sk: { N: '2' } },
    ]);
  });

  it('AT_TIMESTAMP (internal, to pin a LATEST start) skips records created before that second', async () => {
    const { table, streamArn } = await createTable();
    for (const n of ['1', '2'])
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `item-${n}` }, sk: { N: n } } }));
    const src = source(streamArn);
    const shard = await openShard(src);
    const all = await readAll(await src.open(shard, { type: 'TRIM_HORIZON' }), 2);
    expect(all).toHaveLength(2);
    // DynamoDB Local rounds creation times down to the minute (AWS: to the second): a whole-minute time stands
    // for any moment of that minute, so a start within it keeps the record rather than risk a gap.
    const created = Math.max(...all.map((r) => r.arrivalMs));
    expect(created % 60_000).toBe(0);
    const at = async (timestampMs: number) => readAll(await src.open(shard, { type: 'AT_TIMESTAMP', timestampMs }), 2);
    expect((await at(created + 59_999)).map((r) => r.position)).toEqual(all.map((r) => r.position));
    // The next minute: everything before it is skipped, page after page, without reporting an error.
    expect(await at(created + 60_000)).toEqual([]);
  });
});
