// Stream mappings' on-failure destinations on S3 and SNS (DEST-1..3, DEST-7, DA-10) through the BUILT service
// (npm run build first): Kinesis on kinesalite, DynamoDB Streams on DynamoDB Local and Kafka on the test broker give
// a poison batch up; S3 and SNS are the moto server's (the SNS message is read from a subscribed moto queue).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { closeClients, dynamoClient, kinesisClient, uniqueName } from '../../services/inject.js';
import { createTopicWith, produce } from '../kafka/engine-kit.js';
import { fixtureFunction as kafkaFixture, kafkaConnection, outFile } from '../kafka/service-kit.js';
import {
  createStream,
  createTable,
  fixtureFunction,
  kinesisArn,
  putItems,
  putKinesis,
  serviceConfig,
} from '../streams/kit.js';
import { createBucket, motoConnection, objects, topicWithQueue } from './moto-kit.js';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});
afterAll(closeClients);

const motoConnections = () => ({
  s3: motoConnection('s3'),
  sns: motoConnection('sns'),
});

async function start(config: Record<string, unknown>): Promise<Service> {
  const base = config as { connections: Record<string, unknown> };
  const svc = await startService({ ...config, connections: { ...base.connections, ...motoConnections() } });
  services.push(svc);
  return svc;
}

/** aws/lambda/<ESM-UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>, the date parts agreeing (DEST-3). */
function expectStreamKey(key: string, uuid: string, shardId: string): void {
  const m = new RegExp(
    `^aws/lambda/${uuid}/${shardId}/(\\d{4})/(\\d\\d)/(\\d\\d)/(\\d{4})-(\\d\\d)-(\\d\\d)T\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`,
  ).exec(key);
  expect(m, key).not.toBeNull();
  expect([m![4], m![5], m![6]]).toEqual([m![1], m![2], m![3]]);
}

describe('stream on-failure to S3 (moto)', () => {
  it('DEST-1/DEST-2/DEST-3 a Kinesis poison batch becomes one object: the failure record plus payload, the event as a JSON string, under aws/lambda/<UUID>/<shardId>/…', async () => {
    const stream = uniqueName('k');
    const kinesis = kinesisClient();
    await createStream(kinesis, stream, 1);
    const puts = await putKinesis(kinesis, stream, [{ id: 'a', poison: 1 }, { id: 'b' }]);
    const bucket = await createBucket();
    const uuid = randomUUID();
    await start(
      serviceConfig({
        functions: { fn: fixtureFunction(uniqueName('fn')) },
        mappings: [
          {
            UUID: uuid,
            FunctionName: 'fn',
            EventSourceArn: kinesisArn(stream),
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 10,
            MaximumRetryAttempts: 0,
            DestinationConfig: { OnFailure: { Destination: bucket.arn } },
          },
        ],
      }) as Record<string, unknown>,
    );
    const [object] = await objects(bucket.name, 1);
    const shardId = puts[0]!.shardId;
    expectStreamKey(object!.key, uuid, shardId);
    const body = object!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      version: '1.0',
      KinesisBatchInfo: { shardId, batchSize: 2, streamArn: kinesisArn(stream) },
    });
    expect(object!.key).toContain(`/${(body.timestamp as string).slice(0, 10).replaceAll('-', '/')}/`);
    expect(typeof body.payload).toBe('string');
    const event = JSON.parse(body.payload as string) as { Records: Array<{ kinesis: { data: string } }> };
    expect(event.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()) as unknown)).toEqual([
      { id: 'a', poison: 1 },
      { id: 'b' },
    ]);
  });

  it('DEST-1/DEST-2/DEST-3 a DynamoDB Streams poison batch becomes one object with DDBStreamBatchInfo and the event', async () => {
    const table = uniqueName('t');
    const ddb = dynamoClient();
    const streamArn = await createTable(ddb, table);
    await putItems(ddb, table, [{ id: 'd1', poison: 1 }]);
    const bucket = await createBucket();
    const uuid = randomUUID();
    await start(
      serviceConfig({
        functions: { fn: fixtureFunction(uniqueName('fn')) },
        mappings: [
          {
            UUID: uuid,
            FunctionName: 'fn',
            EventSourceArn: streamArn,
            StartingPosition: 'TRIM_HORIZON',
            MaximumRetryAttempts: 0,
            DestinationConfig: { OnFailure: { Destination: bucket.arn } },
          },
        ],
      }) as Record<string, unknown>,
    );
    const [object] = await objects(bucket.name, 1);
    const body = object!.body as { DDBStreamBatchInfo: { shardId: string; streamArn: string }; payload: string };
    expectStreamKey(object!.key, uuid, body.DDBStreamBatchInfo.shardId);
    expect(body.DDBStreamBatchInfo).toMatchObject({ streamArn, batchSize: 1 });
    const event = JSON.parse(body.payload) as { Records: Array<{ eventName: string; dynamodb: { Keys: unknown } }> };
    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT']);
    expect(event.Records[0]!.dynamodb.Keys).toEqual({ pk: { S: 'd1' }, sk: { N: '0' } });
  });

  it('DEST-2/DA-10 a Kafka poison batch becomes one object under aws/lambda/<UUID>/<topic>-<partition>/… with KafkaBatchInfo and the event', async () => {
    const topic = await createTopicWith(1);
    await produce(topic, [{ value: 'fail-1' }, { value: 'ok-2' }]);
    const bucket = await createBucket();
    const uuid = randomUUID();
    await start({
      tuning: { throttleBackoffSeconds: { base: 0.01, max: 0.05 }, streamPollIntervalMs: 50 },
      connections: { kafka: kafkaConnection() },
      functions: { k: kafkaFixture('kafkaFail', outFile()) },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
          MaximumRetryAttempts: 0,
          DestinationConfig: { OnFailure: { Destination: bucket.arn } },
        },
      ],
    });
    const [object] = await objects(bucket.name, 1);
    expectStreamKey(object!.key, uuid, `${topic}-0`);
    const body = object!.body as { KafkaBatchInfo: { recordsInfo: Record<string, unknown> }; payload: string };
    expect(Object.keys(body.KafkaBatchInfo.recordsInfo)).toEqual([`${topic}-0`]);
    const event = JSON.parse(body.payload) as { records: Record<string, Array<{ value: string }>> };
    const values = event.records[`${topic}-0`]!.map((r) => Buffer.from(r.value, 'base64').toString());
    expect(values[0]).toBe('fail-1');
  });
});

describe('stream on-failure to SNS (moto)', () => {
  it('DEST-7 a Kinesis poison batch is published as the failure record (metadata only, no payload)', async () => {
    const stream = uniqueName('k');
    const kinesis = kinesisClient();
    await createStream(kinesis, stream, 1);
    const puts = await putKinesis(kinesis, stream, [{ id: 'p', poison: 1 }]);
    const topic = await topicWithQueue();
    await start(
      serviceConfig({
        functions: { fn: fixtureFunction(uniqueName('fn')) },
        mappings: [
          {
            FunctionName: 'fn',
            EventSourceArn: kinesisArn(stream),
            StartingPosition: 'TRIM_HORIZON',
            MaximumRetryAttempts: 0,
            DestinationConfig: { OnFailure: { Destination: topic.arn } },
          },
        ],
      }) as Record<string, unknown>,
    );
    const [note] = await topic.read(1);
    const record = JSON.parse(note!.Message) as Record<string, unknown>;
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      version: '1.0',
      KinesisBatchInfo: { shardId: puts[0]!.shardId, batchSize: 1, streamArn: kinesisArn(stream) },
    });
    expect(record).not.toHaveProperty('payload');
  });
});
