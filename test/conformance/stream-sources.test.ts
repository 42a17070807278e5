// Runs the stream source contract against every connector's StreamSource on its real (shared) server.
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { dynamoDbStreamsConnector } from '../../connectors/dynamodb/index.js';
import { kafkaConnector } from '../../connectors/kafka/index.js';
import { kinesisConnector } from '../../connectors/kinesis/index.js';
import { MemoryBroker, memoryConnector } from '../../connectors/memory/index.js';
import { redisStreamsConnector } from '../../connectors/redis/index.js';
import type { ConnectorContext, StreamSourceOptions } from '../../src/ports/connector.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { StartPosition } from '../../src/ports/sources.js';
import { createTopic, quietLogger, rawKafka } from '../integration/kafka/helpers.js';
import { createStream } from '../integration/kinesis/kinesalite.js';
import { createStreamTable } from '../services/clients.js';
import { closeClients, dynamoClient, kinesisClient, redis, servers, uniqueName } from '../services/inject.js';
import { CREDENTIALS, REGION } from '../services/types.js';
import { describeStreamSource, type StreamSourceFactory } from './stream-source.js';

const ACCOUNT = '000000000000';
const ctx = (connection: Record<string, unknown>, extra: Partial<ConnectorContext> = {}): ConnectorContext => ({
  connection,
  region: REGION,
  accountId: ACCOUNT,
  logger: quietLogger,
  metrics: noopMetrics,
  ...extra,
});
/** What the app tells a source of its mapping; the group matters only to sources that keep positions. */
const options = (startingPosition: StartPosition, group: string): StreamSourceOptions => ({
  mappingId: randomUUID(),
  consumerGroupId: group,
  startingPosition,
  functionName: 'conformance',
});
const base64 = (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8');

afterAll(closeClients);

const kinesis: StreamSourceFactory = {
  name: 'kinesis (kinesalite)',
  positions: 'engine',
  async create() {
    const client = kinesisClient();
    const name = uniqueName('conformance');
    await createStream(client, name, 1);
    const connection = { endpoint: servers().kinesis.endpoint, region: REGION, credentials: CREDENTIALS };
    return {
      async produce(vs) {
        for (const v of vs)
          await client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'pk', Data: Buffer.from(v) }));
      },
      source: (from, group) =>
        kinesisConnector.createStreamSource!(
          `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
          options(from, group),
          ctx(connection),
        ),
      valueOf: (r) => base64((r.record['kinesis'] as { data: string }).data),
      async dispose() {
        await client.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
      },
    };
  },
};

const dynamodb: StreamSourceFactory = {
  name: 'dynamodb streams (DynamoDB Local)',
  positions: 'engine',
  async create() {
    const client = dynamoClient();
    const table = uniqueName('conformance');
    const streamArn = await createStreamTable(client, table);
    const connection = { endpoint: servers().dynamodb.endpoint, region: REGION, credentials: CREDENTIALS };
    let n = 0;
    return {
      async produce(vs) {
        for (const v of vs)
          await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `item-${n++}` }, v: { S: v } } }));
      },
      source: (from, group) =>
        dynamoDbStreamsConnector.createStreamSource!(streamArn, options(from, group), ctx(connection)),
      valueOf: (r) => String((r.record['dynamodb'] as { NewImage: { v: { S: string } } }).NewImage.v.S),
      async dispose() {
        await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      },
    };
  },
};

const kafka: StreamSourceFactory = {
  name: 'kafka (one partition)',
  positions: 'source',
  async create() {
    const k = rawKafka();
    const topic = await createTopic(k, 1);
    const connection = {
      brokers: servers().kafka.brokers,
      consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500 },
    };
    return {
      async produce(vs) {
        const producer = k.producer();
        await producer.connect();
        await producer.send({ topic, messages: vs.map((value) => ({ partition: 0, value })) });
        await producer.disconnect();
      },
      source: (from, group) =>
        kafkaConnector.createStreamSource!(`kafka://${topic}`, options(from, group), ctx(connection)),
      valueOf: (r) => base64(r.record['value']),
      async dispose() {
        const admin = k.admin();
        await admin.connect();
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      },
    };
  },
};

const redisStreams: StreamSourceFactory = {
  name: 'redis streams',
  positions: 'source',
  create() {
    const client = redis();
    const key = uniqueName('conformance');
    const connection = { url: servers().redis.url, blockMs: 50 };
    return Promise.resolve({
      async produce(vs) {
        for (const v of vs) await client.xadd(key, '*', 'v', v);
      },
      source: (from, group) =>
        redisStreamsConnector.createStreamSource!(`redis://${key}`, options(from, group), ctx(connection)),
      valueOf: (r) => String((r.record['redis'] as { fields: Record<string, string> }).fields['v']),
      async dispose() {
        await client.del(key);
      },
    });
  },
};

const memory: StreamSourceFactory = {
  name: 'memory stream',
  positions: 'engine',
  create() {
    const broker = new MemoryBroker({ region: REGION, accountId: ACCOUNT, visibilityTimeoutMs: 30_000 });
    const name = uniqueName('conformance');
    const stream = broker.stream(name);
    return Promise.resolve({
      produce: (vs) => Promise.resolve(void vs.forEach((v) => stream.put('pk', Buffer.from(v)))),
      source: (from, group) =>
        memoryConnector.createStreamSource!(
          `memory://stream/${name}`,
          options(from, group),
          ctx({}, { instance: broker }),
        ),
      valueOf: (r) => base64((r.record['kinesis'] as { data: string }).data),
      dispose: () => Promise.resolve(),
    });
  },
};

describeStreamSource(kinesis);
describeStreamSource(dynamodb);
describeStreamSource(kafka);
describeStreamSource(redisStreams);
describeStreamSource(memory);
