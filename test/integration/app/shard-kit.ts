// What the operator-control integration tests share: a handled-records log written by test/fixtures/shards, a
// sluice started in-process from a config object, the test servers' connections and a topic of records.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { expect } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { kafka, servers, uniqueName } from '../../services/inject.js';

export const SHARD_FIXTURES = path.resolve('test/fixtures/shards');

export function handledLog(): { log: string; handled: () => string[] } {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-shards-')), 'handled.log');
  return { log, handled: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

export async function startShardsApp(config: object): Promise<App> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'shards.json');
  expect(loaded.problems).toEqual([]);
  return startApp(loaded.config!, createLogger('silent'));
}

/** The connections the operator-control tests point at the shared test servers. */
export const kafkaConnection = (consumer: object = { heartbeatIntervalMs: 500 }) => ({
  type: 'kafka',
  brokers: servers().kafka.brokers,
  consumer,
});
export const kinesisConnection = () => ({
  type: 'kinesis',
  endpoint: servers().kinesis.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
export const redisConnection = () => ({ type: 'redis', url: servers().redis.url });

/** The fixture function that fails on records whose id starts with "poison" and logs the others to `log`. */
export const poisonableFn = (log: string) => ({
  Handler: 'handlers.poisonable',
  CodeUri: SHARD_FIXTURES,
  Environment: { Variables: { SHARDS_LOG: log } },
});

/** A one-partition topic holding `{"id"}` records with these ids, in order. */
export async function kafkaTopicWith(prefix: string, ids: readonly string[]): Promise<string> {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName(prefix);
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: ids.map((id) => ({ value: JSON.stringify({ id }) })) });
  await producer.disconnect();
  return topic;
}
