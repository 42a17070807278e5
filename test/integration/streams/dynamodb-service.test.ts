// DynamoDB Streams mappings through the BUILT service against the shared DynamoDB Local (stream ARN from
// CreateTable's LatestStreamArn), with the fixture handler and an on-failure SQS queue on ElasticMQ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { keysPartitionKey } from '../../../connectors/dynamodb/index.js';
import { laneOf } from '../../../src/core/esm/lane-hash.js';
import { metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients, dynamoClient, sqsClient, streamsClient, uniqueName } from '../../services/inject.js';
import {
  ISO_MS,
  createQueue,
  createTable,
  delivered,
  drainQueue,
  fixtureFunction,
  functionArn,
  ids,
  invocations,
  putItems,
  serviceConfig,
  sqsArn,
  waitFor,
  type TestRecord,
} from './kit.js';

type Rec = TestRecord & { pk?: string };
interface Case {
  records?: Rec[];
  mapping?: object;
  dlq?: boolean;
}

const CASES = {
  order: { mapping: { BatchSize: 4 } },
  lanes: { mapping: { ParallelizationFactor: 3, BatchSize: 2 } },
  exhausted: {
    records: [{ id: 'a' }, { id: 'b', fail: 99 }, { id: 'c' }, { id: 'd' }],
    mapping: { BatchSize: 3, MaximumRetryAttempts: 2 },
    dlq: true,
  },
  bisect: {
    records: Array.from({ length: 4 }, (_v, i): Rec => (i === 2 ? { id: `r${i}`, poison: 1 } : { id: `r${i}` })),
    mapping: { BatchSize: 4, MaximumRetryAttempts: 0, BisectBatchOnFunctionError: true },
    dlq: true,
  },
  partial: {
    records: Array.from({ length: 6 }, (_v, i): Rec =>
      i === 2 || i === 4 ? { id: `p${i}`, partial: 1 } : { id: `p${i}` },
    ),
    mapping: { BatchSize: 6, FunctionResponseTypes: ['ReportBatchItemFailures'] },
  },
  filter: {
    records: Array.from({ length: 6 }, (_v, i) => ({ id: `f${i}`, keep: i % 2 === 0 })),
    mapping: {
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { keep: { BOOL: [true] } } } }) }],
      },
    },
  },
} satisfies Record<string, Case>;
type Key = keyof typeof CASES;

let svc: Service;
let ddb: DynamoDBClient;
let sqs: SQSClient;
const table = {} as Record<Key, string>;
const streamArn = {} as Record<Key, string>;
const queueUrl = {} as Partial<Record<Key, string>>;
const fn = (k: Key) => `ddb-${k}`;

beforeAll(async () => {
  ddb = dynamoClient();
  sqs = sqsClient();
  const functions: Record<string, object> = {};
  const mappings: object[] = [];
  for (const [k, c] of Object.entries(CASES) as Array<[Key, Case]>) {
    table[k] = uniqueName(`str-${k}`);
    streamArn[k] = await createTable(ddb, table[k]);
    if (c.records) await putItems(ddb, table[k], c.records);
    const queue = uniqueName(`str-ddb-${k}-dlq`);
    if (c.dlq) queueUrl[k] = await createQueue(sqs, queue);
    functions[fn(k)] = fixtureFunction(fn(k));
    mappings.push({
      FunctionName: fn(k),
      EventSourceArn: streamArn[k],
      Connection: 'dynamodb',
      StartingPosition: 'TRIM_HORIZON',
      ...(c.dlq ? { DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } } } : {}),
      ...c.mapping,
    });
  }
  svc = await startService({
    ...serviceConfig({ functions, mappings }),
    server: { port: 0, shutdownGraceSeconds: 5 },
  });
}, 120_000);

afterAll(async () => {
  const code = await svc?.stop();
  for (const name of Object.values(table))
    await ddb.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
  await closeClients();
  expect(code).toBe(0);
});

const deliveredIds = (k: Key) => delivered(fn(k)).map((r) => r.id);
const seen = (k: Key, id: string) =>
  invocations(fn(k))
    .flatMap((i) => i.records)
    .find((r) => r.id === id);
const waitDelivered = (k: Key, id: string) =>
  waitFor(`${id} delivered to ${fn(k)}`, () => (deliveredIds(k).includes(id) ? true : undefined));
const waitMessage = (k: Key) =>
  waitFor(`on-failure record for ${k}`, async () => (await drainQueue(sqs, queueUrl[k] ?? ''))[0]);
const SECONDS_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('DynamoDB Streams through the built service', () => {
  it('STR-5 STR-9 delivers item changes in stream order, one batch in flight', async () => {
    const k: Key = 'order';
    const recs = Array.from({ length: 12 }, (_v, i) => ({ id: `o${i}`, pk: `item-${i % 3}` }));
    await putItems(ddb, table[k], recs);
    await waitFor('12 records', () => (deliveredIds(k).length >= 12 ? true : undefined));
    const shards = await streamsClient().send(new DescribeStreamCommand({ StreamArn: streamArn[k] }));
    expect(shards.StreamDescription?.Shards).toHaveLength(1);
    const invs = invocations(fn(k));
    expect(invs.flatMap(ids)).toEqual(recs.map((r) => r.id));
    const seqs = invs.flatMap((i) => i.records.map((r) => BigInt(r.seq)));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (let i = 1; i < invs.length; i++) expect(invs[i]!.start).toBeGreaterThanOrEqual(invs[i - 1]!.end);
    expect(invs.every((i) => i.records.length <= 4)).toBe(true);
  });

  it('STR-6 D-2 lanes by item keys: a poison change blocks only its lane; changes of one item stay in order', async () => {
    const k: Key = 'lanes';
    const lane = (pk: string) => laneOf(keysPartitionKey({ pk: { S: pk }, sk: { N: '0' } }), 3);
    const items = Array.from({ length: 6 }, (_v, i) => `item-${i}`);
    const bad = 'item-2';
    expect(new Set(items.map(lane)).size).toBeGreaterThan(1);
    // The poison change comes first, so every later change in its lane waits behind it.
    const recs: Array<Rec & { sk: number }> = [{ id: `${bad}/0`, pk: bad, sk: 0, poison: 1 }];
    for (let n = 0; n < 3; n++)
      for (const pk of items) if (!(pk === bad && n === 0)) recs.push({ id: `${pk}/${n}`, pk, sk: 0, sleepMs: 30 });
    await putItems(ddb, table[k], recs);
    const free = recs.filter((r) => lane(r.pk!) !== lane(bad));
    await waitFor('every change of the other lanes', () =>
      free.every((r) => deliveredIds(k).includes(r.id)) ? true : undefined,
    );
    await waitFor('the poison change retried', () =>
      invocations(fn(k)).filter((i) => i.outcome === 'poison').length >= 3 ? true : undefined,
    );
    expect(deliveredIds(k).filter((id) => lane(id.split('/')[0]!) === lane(bad))).toEqual([]);
    for (const pk of items) {
      const order = deliveredIds(k).filter((id) => id.startsWith(`${pk}/`));
      expect(order).toEqual([...order].sort());
    }
    expect(await metricValue(svc.url, 'sluice_shard_state', { function: fn(k), state: 'retrying' })).toBe(1);
  });

  it('STR-13 STR-14 STR-27..29 retries exhausted: exact DDBStreamBatchInfo record on the queue, shard moves on', async () => {
    const k: Key = 'exhausted';
    const record = await waitMessage(k);
    await waitDelivered(k, 'd');
    const invs = invocations(fn(k));
    expect(invs.map(ids)).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['d']]);
    const described = await streamsClient().send(new DescribeStreamCommand({ StreamArn: streamArn[k] }));
    expect(record).toEqual({
      requestContext: {
        requestId: invs[2]!.requestId,
        functionArn: functionArn(fn(k)),
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(ISO_MS) as unknown,
      DDBStreamBatchInfo: {
        shardId: described.StreamDescription?.Shards?.[0]?.ShardId,
        startSequenceNumber: seen(k, 'a')?.seq,
        endSequenceNumber: seen(k, 'c')?.seq,
        approximateArrivalOfFirstRecord: expect.stringMatching(SECONDS_ISO) as unknown,
        approximateArrivalOfLastRecord: expect.stringMatching(SECONDS_ISO) as unknown,
        batchSize: 3,
        streamArn: streamArn[k],
      },
    });
  });

  it('STR-16 STR-20 D-3 bisect isolates the poison item; MaximumRetryAttempts 0 discards it after one try', async () => {
    const k: Key = 'bisect';
    const record = await waitMessage(k);
    await waitDelivered(k, 'r3');
    expect(invocations(fn(k)).map(ids)).toEqual([['r0', 'r1', 'r2', 'r3'], ['r0', 'r1'], ['r2', 'r3'], ['r2'], ['r3']]);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      DDBStreamBatchInfo: {
        startSequenceNumber: seen(k, 'r2')?.seq,
        endSequenceNumber: seen(k, 'r2')?.seq,
        batchSize: 1,
      },
    });
  });

  it('STR-21 rewinds to the lowest failed dynamodb.SequenceNumber', async () => {
    const k: Key = 'partial';
    await waitDelivered(k, 'p5');
    expect(invocations(fn(k)).map(ids)).toEqual([
      ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'],
      ['p2', 'p3', 'p4', 'p5'],
    ]);
  });

  it('STR-42 STR-43 filters match the dynamodb key (NewImage) and the shard moves past rejected records', async () => {
    const k: Key = 'filter';
    await putItems(ddb, table[k], [{ id: 'f6', keep: true }]);
    await waitDelivered(k, 'f6');
    expect(deliveredIds(k)).toEqual(['f0', 'f2', 'f4', 'f6']);
    expect(await metricValue(svc.url, 'sluice_filtered_out_events_total', { function: fn(k) })).toBe(3);
  });
});
