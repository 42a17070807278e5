// #21 seek of a Kafka partition (real Kafka): the partition's owner moves the consumer group's offset; never
// backwards without force; by offset (resume after it) and by timestamp (the first record at or after it).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import type { CommandState, OwnedShardView } from '../../../src/app/shard-control.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, kafka, servers, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const FIXTURES = path.resolve('test/fixtures/shards');

it('#21 seek a Kafka partition by offset and by timestamp: refused backwards without force, then the records after the target are processed again', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('seek');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const base = Date.now() - 60_000;
  const producer = client.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: [0, 1, 2, 3, 4].map((i) => ({
      value: JSON.stringify({ id: `r${i}` }),
      timestamp: String(base + i * 1000),
    })),
  });
  await producer.disconnect();
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-seek-')), 'handled.log');
  const handled = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  const uuid = randomUUID();
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: {
        kafka: { type: 'kafka', brokers: servers().kafka.brokers, consumer: { heartbeatIntervalMs: 500 } },
      },
      functions: {
        fn: { Handler: 'handlers.poisonable', CodeUri: FIXTURES, Environment: { Variables: { SHARDS_LOG: log } } },
      },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'fn',
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
        },
      ],
    }),
    'seek.json',
  );
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  const url = `http://127.0.0.1:${app.address().port}`;
  const shards = async () =>
    ((await (await fetch(`${url}/sluice/mappings/${uuid}/shards`)).json()) as { shards: OwnedShardView[] }).shards;
  const cli = async (...args: string[]): Promise<CommandState> => {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {} };
    await runCli(['shards', uuid, ...args, '--url', url], io);
    return JSON.parse(out) as CommandState;
  };
  try {
    const all = ['r0', 'r1', 'r2', 'r3', 'r4'];
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(all);
    await expect.poll(async () => (await shards())[0]?.position.checkpoint, { timeout: 30_000 }).toBe('4');
    const shard = (await shards())[0]!.shardId;

    // Backwards without force: refused, nothing moves.
    const refused = await cli('seek', shard, '1');
    expect(refused).toMatchObject({ status: 'refused', result: { done: false } });
    expect(JSON.stringify(refused.result)).toContain('before the checkpoint');
    // By offset, forced: resumes after offset 1.
    expect(await cli('seek', shard, '1', '--force')).toMatchObject({ status: 'done' });
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual([...all, 'r2', 'r3', 'r4']);
    // By timestamp (forced: a time may lie behind the position): the first record at or after it.
    expect(await cli('seek', shard, new Date(base + 3000).toISOString(), '--force')).toMatchObject({ status: 'done' });
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual([...all, 'r2', 'r3', 'r4', 'r3', 'r4']);
    // The group offset moved with it: a check by the group's own committed offset.
    const a = client.admin();
    await a.connect();
    const [committed] = await a.fetchOffsets({ groupId: uuid, topics: [topic] });
    await a.disconnect();
    expect(committed?.partitions[0]?.offset).toBe('5');
  } finally {
    await app.stop('test');
  }
}, 120_000);
