// #21 operator controls of Kafka partitions (real Kafka): seek moves the consumer group's offset on the partition's
// owner, never backwards without force, by offset (resume after it) and by timestamp (the first record at or after
// it); inspection shows each partition's lag (offset lag and iterator age).
import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import type { CommandState, OwnedShardView } from '../../../src/app/shard-control.js';
import { runCli } from '../../../src/cli/index.js';
import { closeClients, kafka, uniqueName } from '../../services/inject.js';
import { handledLog, kafkaConnection, poisonableFn, startShardsApp } from './shard-kit.js';

afterAll(closeClients);

async function topicWith(records: Array<{ id: string; timestamp: number }>) {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('seek');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  const produce = async (rs: Array<{ id: string; timestamp: number }>) => {
    await producer.send({
      topic,
      acks: -1,
      messages: rs.map((r) => ({ value: JSON.stringify({ id: r.id }), timestamp: String(r.timestamp) })),
    });
  };
  await produce(records);
  return { client, topic, produce, close: () => producer.disconnect() };
}

/** A sluice with one TRIM_HORIZON mapping of the topic, and its shard API and CLI. */
async function startMapping(topic: string, provisioned = false) {
  const { log, handled } = handledLog();
  const uuid = randomUUID();
  const app = await startShardsApp({
    connections: { kafka: kafkaConnection({ heartbeatIntervalMs: 500, lagIntervalMs: 200 }) },
    functions: { fn: poisonableFn(log) },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'fn',
        Topics: [topic],
        Connection: 'kafka',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        ...(provisioned && { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 } }),
      },
    ],
  });
  const url = `http://127.0.0.1:${app.address().port}`;
  const text = async (...args: string[]): Promise<string> => {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {} };
    await runCli(['shards', uuid, ...args, '--url', url], io);
    return out;
  };
  return {
    app,
    uuid,
    handled,
    shards: async () =>
      ((await (await fetch(`${url}/sluice/mappings/${uuid}/shards`)).json()) as { shards: OwnedShardView[] }).shards,
    text,
    cli: async (...args: string[]) => JSON.parse(await text(...args)) as CommandState,
  };
}

it.each([
  ['on demand', false],
  ['provisioned mode (the poller that owns the partition seeks)', true],
])(
  '#21 seek a Kafka partition by offset and by timestamp (%s): refused backwards without force, then the records after the target are processed again',
  async (_mode, provisioned) => {
    const base = Date.now() - 60_000;
    const t = await topicWith([0, 1, 2, 3, 4].map((i) => ({ id: `r${i}`, timestamp: base + i * 1000 })));
    await t.close();
    const { app, uuid, handled, shards, cli } = await startMapping(t.topic, provisioned);
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
      expect(await cli('seek', shard, new Date(base + 3000).toISOString(), '--force')).toMatchObject({
        status: 'done',
      });
      await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual([...all, 'r2', 'r3', 'r4', 'r3', 'r4']);
      // The group's committed offset moved with it and is back at the end.
      const a = t.client.admin();
      await a.connect();
      const [committed] = await a.fetchOffsets({ groupId: uuid, topics: [t.topic] });
      await a.disconnect();
      expect(committed?.partitions[0]?.offset).toBe('5');
    } finally {
      await app.stop('test');
    }
  },
  120_000,
);

it("#21 shard inspection shows each Kafka partition's lag: offset lag (high watermark − committed) and iterator age", async () => {
  // Records written a minute ago: the iterator age of their batches is at least that.
  const t = await topicWith([
    { id: 'r0', timestamp: Date.now() - 60_000 },
    { id: 'r1', timestamp: Date.now() - 60_000 },
  ]);
  const { app, handled, shards, cli, text } = await startMapping(t.topic);
  try {
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(['r0', 'r1']);
    await expect.poll(async () => (await shards())[0]?.lag?.records, { timeout: 30_000, interval: 100 }).toBe(0);
    expect((await shards())[0]?.lag?.iteratorAgeMs).toBeGreaterThanOrEqual(55_000);
    const shard = (await shards())[0]!.shardId;
    // Paused, the partition falls behind by what is written meanwhile; resumed, it catches up.
    expect(await cli('pause', shard)).toMatchObject({ status: 'done' });
    await t.produce(['r2', 'r3', 'r4'].map((id) => ({ id, timestamp: Date.now() })));
    await expect.poll(async () => (await shards())[0]?.lag?.records, { timeout: 30_000, interval: 100 }).toBe(3);
    expect(await text()).toContain('"records": 3'); // `sluice shards MAPPING` shows it
    expect(await cli('resume', shard)).toMatchObject({ status: 'done' });
    await expect.poll(async () => (await shards())[0]?.lag?.records, { timeout: 30_000, interval: 100 }).toBe(0);
    expect(handled()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  } finally {
    await t.close();
    await app.stop('test');
  }
}, 120_000);
