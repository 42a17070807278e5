// Test-side access to the servers started by global-setup.ts: typed addresses, unique names, ready clients.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { KafkaConfig } from 'kafkajs';
import type { RedisOptions } from 'ioredis';
import type { SocketOptions } from 'amqplib';
import {
  makeAmqp,
  makeDynamoClient,
  makeKafka,
  makeKinesisClient,
  makeRedis,
  makeSqsClient,
  makeStreamsClient,
} from './clients.js';
import type { ServerName, ServersInfo } from './types.js';
import { SERVER_NAMES } from './types.js';

export type Servers = Required<ServersInfo>;

/**
 * Addresses of the running servers. Reading a server that this run did not start (SLUICE_TEST_SERVERS subset) throws,
 * so the test fails loudly instead of being skipped.
 */
export function servers(): Servers {
  const provided = inject('sluiceServers');
  if (!provided) {
    throw new Error(
      'No test servers were provided: integration tests must run in the vitest "integration" project ' +
        '(its globalSetup test/services/global-setup.ts starts the servers).',
    );
  }
  const out = {} as Servers;
  for (const name of SERVER_NAMES) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        const info = provided.servers[name];
        if (info) return info;
        throw new Error(
          `This test needs the '${name}' test server, but this run started only ` +
            `[${provided.requested.join(', ')}] (SLUICE_TEST_SERVERS=${provided.selection}). ` +
            `Unset SLUICE_TEST_SERVERS or add '${name}' to it.`,
        );
      },
    });
  }
  return out;
}

export function server<N extends ServerName>(name: N): Servers[N] {
  return servers()[name];
}

/** A name valid for SQS queues, Kinesis streams, DynamoDB tables, Kafka topics, Redis keys and RabbitMQ queues; unique per call. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** SQS FIFO queue name (must end in .fifo). */
export function uniqueFifoName(prefix = 'test'): string {
  return `${uniqueName(prefix)}.fifo`;
}

const closers = new Set<() => Promise<unknown>>();
function track<T>(client: T, close: (c: T) => Promise<unknown> | void): T {
  closers.add(async () => close(client));
  return client;
}

/** Closes every client the helpers below created in this test file; use as `afterAll(closeClients)`. */
export async function closeClients(): Promise<void> {
  const all = [...closers];
  closers.clear();
  await Promise.allSettled(all.map((c) => c()));
}

export const sqsClient = () => track(makeSqsClient(servers().sqs.endpoint), (c) => c.destroy());
/** Kinesis client with the HTTP/1.1 handler kinesalite needs. */
export const kinesisClient = () => track(makeKinesisClient(servers().kinesis.endpoint), (c) => c.destroy());
export const dynamoClient = () => track(makeDynamoClient(servers().dynamodb.endpoint), (c) => c.destroy());
export const streamsClient = () => track(makeStreamsClient(servers().dynamodb.endpoint), (c) => c.destroy());
/** kafkajs instance; disconnect the producers/consumers/admins you create from it. */
export const kafka = (config: Partial<KafkaConfig> = {}) => makeKafka(servers().kafka.brokers, config);
export const redis = (options: RedisOptions = {}) =>
  track(makeRedis(servers().redis.url, options), (c) => c.disconnect());
/** amqplib connection to the RabbitMQ test server (closed by closeClients); open channels on it. */
export const amqp = async (options: SocketOptions = {}) =>
  track(await makeAmqp(servers().rabbitmq.url, options), (c) => c.close().catch(() => undefined));
