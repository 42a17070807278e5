// Client factories shared by the readiness probes and the test helpers (inject.ts): one place for endpoint,
// region, dummy credentials and the Kinesis HTTP/1.1 handler.
import { SQSClient } from '@aws-sdk/client-sqs';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { connect as amqpConnect } from 'amqplib';
import type { SocketOptions } from 'amqplib';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { CREDENTIALS, REGION } from './types.js';

// kafkajs 2 warns once per producer about its v2 default partitioner; irrelevant to tests.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface AwsClientOptions {
  maxAttempts?: number;
}

const aws = (endpoint: string, o: AwsClientOptions = {}) => ({
  endpoint,
  region: REGION,
  credentials: { ...CREDENTIALS },
  ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
});

export const makeSqsClient = (endpoint: string, o?: AwsClientOptions) => new SQSClient(aws(endpoint, o));

// kinesalite speaks HTTP/1.1 only; the Kinesis client defaults to HTTP/2 (ERR_HTTP2_ERROR without this handler).
export const makeKinesisClient = (endpoint: string, o?: AwsClientOptions) =>
  new KinesisClient({ ...aws(endpoint, o), requestHandler: new NodeHttpHandler() });

export const makeDynamoClient = (endpoint: string, o?: AwsClientOptions) => new DynamoDBClient(aws(endpoint, o));

export const makeStreamsClient = (endpoint: string, o?: AwsClientOptions) =>
  new DynamoDBStreamsClient(aws(endpoint, o));

export const makeKafka = (brokers: string[], config: Partial<KafkaConfig> = {}) =>
  new Kafka({ clientId: 'sluice-test', brokers, logLevel: logLevel.WARN, ...config });

export const makeRedis = (url: string, options: RedisOptions = {}) => new Redis(url, options);

/** amqplib (AMQP 0-9-1) connection; close it (or its channels) when done. */
export const makeAmqp = (url: string, options: SocketOptions = {}) => amqpConnect(url, options);

/** A table keyed by a string `pk` with a NEW_IMAGE stream; resolves with the stream's ARN. */
export async function createStreamTable(ddb: DynamoDBClient, table: string): Promise<string> {
  const created = await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const arn =
    created.TableDescription?.LatestStreamArn ??
    (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
  if (arn === undefined) throw new Error('DynamoDB Local created no stream');
  return arn;
}
