// #21 operator controls, the remaining "done when" cases on real servers: `park` unblocks a Kafka partition with the
// poison record in the parking destination, and a Kinesis `seek` sent to the process that does not own the shard
// (two processes sharing Redis) is carried out by its owner.
import { randomUUID } from 'node:crypto';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, expect, it } from 'vitest';
import type { App } from '../../../src/app/app.js';
import {
  handledLog,
  kafkaConnection,
  kafkaTopicWith,
  kinesisConnection,
  poisonableFn,
  redisConnection,
  startShardsApp,
} from './shard-kit.js';
import type { OwnedShardView } from '../../../src/app/shard-control.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kinesisClient, redis, uniqueName } from '../../services/inject.js';

afterAll(closeClients);
const start = startShardsApp;

async function call(app: App, p: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${app.address().port}${p}`, {
    ...(body && { method: 'POST', body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const shardsOf = async (app: App, uuid: string) =>
  ((await call(app, `/sluice/mappings/${uuid}/shards`)).body.shards ?? []) as OwnedShardView[];

it('#21 park unblocks a Kafka partition held by a poison record: the record is in the parking destination and the partition moves on', async () => {
  const topic = await kafkaTopicWith('park-kafka', ['ok0', 'poison1', 'ok2']);
  const { log, handled } = handledLog();
  const uuid = randomUUID();
  const app = await start({
    tuning: { throttleBackoffSeconds: { base: 1, max: 2 } },
    connections: { kafka: kafkaConnection() },
    functions: { fn: poisonableFn(log) },
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
  });
  try {
    let shard: OwnedShardView | undefined;
    await expect
      .poll(
        async () => {
          shard = (await shardsOf(app, uuid))[0];
          return shard?.lanes[0]?.failing;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toMatchObject({ records: 1 });
    expect(handled()).toEqual(['ok0']);
    const sent = await call(app, `/sluice/mappings/${uuid}/shards/${shard!.shardId}/park`, {
      destination: 'memory://queue/parking-kafka',
      by: 'dave',
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'done', result: { done: true, skipped: 1 } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    // Nothing lost: the poison record's failure record (its offset in KafkaBatchInfo) is in the parking queue.
    const parked = JSON.stringify((await call(app, '/sluice/memory/queues/parking-kafka/messages')).body);
    expect(parked).toContain('OperatorSkipped');
    expect(parked).toContain('KafkaBatchInfo');
    expect(parked).toContain('dave');
  } finally {
    await app.stop('test');
  }
});

it('#21 seek sent to the process that does not own a blocked Kinesis shard is carried out by its owner', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('seek-two');
  await createStream(kinesis, stream, 1);
  const seq: string[] = [];
  for (const id of ['ok0', 'poison1', 'ok2'])
    seq.push(
      (
        await kinesis.send(
          new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ id })) }),
        )
      ).SequenceNumber!,
    );
  const { log, handled } = handledLog();
  const prefix = `t-${randomUUID()}`;
  const uuid = randomUUID();
  const config = {
    state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
    tuning: { streamPollIntervalMs: 100, throttleBackoffSeconds: { base: 1, max: 2 } },
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
  const owner = await start(config);
  let other: App | undefined;
  try {
    await expect
      .poll(async () => (await shardsOf(owner, uuid))[0]?.lanes[0]?.failing, { timeout: 60_000, interval: 200 })
      .toMatchObject({ records: 1 });
    other = await start(config);
    const second = other;
    await expect.poll(async () => shardsOf(second, uuid), { timeout: 30_000, interval: 200 }).toHaveLength(1);
    const sent = await call(second, `/sluice/mappings/${uuid}/shards/shardId-000000000000/seek`, { position: seq[1] });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'pending', action: 'seek' });
    await expect
      .poll(async () => (await call(second, `/sluice/mappings/${uuid}/shards/commands/${String(sent.body.id)}`)).body, {
        timeout: 30_000,
        interval: 200,
      })
      .toMatchObject({ status: 'done', result: { done: true } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
  } finally {
    await other?.stop('test');
    await owner.stop('test');
    const keys = await redis().keys(`${prefix}:*`);
    if (keys.length > 0) await redis().del(...keys);
  }
});
