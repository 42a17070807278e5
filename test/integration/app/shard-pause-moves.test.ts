// #21 a pause outlives the process that carried it out: two sluice processes share Redis, the owner of a paused
// Kinesis shard (kinesalite) stops, the other takes the shard's lease and keeps it paused until a resume.
import { randomUUID } from 'node:crypto';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, expect, it } from 'vitest';
import type { App } from '../../../src/app/app.js';
import type { OwnedShardView } from '../../../src/app/shard-control.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kinesisClient, redis, uniqueName } from '../../services/inject.js';
import { handledLog, kinesisConnection, poisonableFn, redisConnection, startShardsApp } from './shard-kit.js';

afterAll(closeClients);

const start = startShardsApp;

async function shards(app: App, uuid: string): Promise<OwnedShardView[]> {
  const res = await fetch(`http://127.0.0.1:${app.address().port}/sluice/mappings/${uuid}/shards`);
  return ((await res.json()) as { shards: OwnedShardView[] }).shards;
}

async function post(app: App, p: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${app.address().port}${p}`, { method: 'POST', body: '{}' })).status;
}

it('#21 a paused Kinesis shard stays paused when its lease moves to another process, until resumed', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('pause-moves');
  await createStream(kinesis, stream, 1);
  const put = (id: string) =>
    kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ id })) }),
    );
  const { log, handled } = handledLog();
  const prefix = `t-${randomUUID()}`;
  const uuid = randomUUID();
  const config = {
    state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
    tuning: { streamPollIntervalMs: 100, streamLeaseTtlSeconds: 3 },
    connections: { kinesis: kinesisConnection(), redis: redisConnection() },
    functions: { fn: poisonableFn(log) },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'fn',
        EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
      },
    ],
  };
  await put('a0');
  const first = await start(config);
  let second: App | undefined;
  try {
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(['a0']);
    const firstOwner = (await shards(first, uuid))[0]!.owner;
    expect(await post(first, `/sluice/mappings/${uuid}/shards/shardId-000000000000/pause`)).toBe(202);
    second = await start(config);
    await first.stop('test'); // its lease is released: the second process takes the shard
    await put('a1');
    const other = second;
    await expect
      .poll(async () => (await shards(other, uuid)).find((s) => s.owner !== firstOwner), {
        timeout: 60_000,
        interval: 200,
      })
      .toMatchObject({ shardId: 'shardId-000000000000', paused: true });
    await new Promise((r) => setTimeout(r, 2_000)); // time enough to read and invoke a1 if it were not paused
    expect(handled()).toEqual(['a0']);
    expect(await post(second, `/sluice/mappings/${uuid}/shards/shardId-000000000000/resume`)).toBe(202);
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['a0', 'a1']);
  } finally {
    await second?.stop('test');
    await first.stop('test').catch(() => undefined);
    const admin = redis();
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
  }
});
