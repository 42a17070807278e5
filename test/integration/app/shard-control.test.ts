// #21 operator controls on real servers: a poison record blocks a Kinesis shard (kinesalite, MaximumRetryAttempts -1
// so it would block forever); two sluice processes share Redis, and `skip` sent to the one that does not own the
// shard is carried out by the owner: the record is in the on-failure destination, later records are processed.
import { randomUUID } from 'node:crypto';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, expect, it } from 'vitest';
import type { App } from '../../../src/app/app.js';
import {
  SHARD_FIXTURES,
  handledLog,
  kafkaConnection,
  kafkaTopicWith,
  kinesisConnection,
  poisonableFn,
  redisConnection,
  startShardsApp,
} from './shard-kit.js';
import type { OwnedShardView } from '../../../src/app/shard-control.js';
import { runCli } from '../../../src/cli/index.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kinesisClient, redis, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const start = startShardsApp;

const url = (app: App, p: string) => `http://127.0.0.1:${app.address().port}${p}`;

interface Answer {
  id?: string;
  shards?: OwnedShardView[];
}

async function json(app: App, p: string, init?: RequestInit): Promise<{ status: number; body: Answer }> {
  const res = await fetch(url(app, p), init);
  return { status: res.status, body: (await res.json()) as Answer };
}

it('#21 skip sent to the process that does not own a blocked Kinesis shard is carried out by its owner; nothing is lost', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('shards');
  await createStream(kinesis, stream, 1);
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
  const put = (id: string) =>
    kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ id })) }),
    );
  const prefix = `t-${randomUUID()}`;
  const { log, handled } = handledLog();
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
        EventSourceArn: arn,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumRetryAttempts: -1,
        DestinationConfig: { OnFailure: { Destination: 'memory://queue/parked' } },
      },
    ],
  };
  await put('ok0');
  await put('poison1');
  await put('ok2');
  const owner = await start(config);
  let other: App | undefined;
  try {
    // The shard blocks on the poison record: inspection shows the failing batch and its error.
    await expect
      .poll(async () => (await json(owner, `/sluice/mappings/${uuid}/shards`)).body.shards?.[0]?.lanes?.[0]?.failing, {
        timeout: 60_000,
        interval: 200,
      })
      .toMatchObject({ error: 'function error: Error', records: 1 });
    expect(handled()).toEqual(['ok0']);
    // A second process sharing the state store: the lease stays with the first (one shard, balanced).
    other = await start(config);
    const seen = await json(other, `/sluice/mappings/${uuid}/shards`);
    await expect
      .poll(async () => (await json(other!, `/sluice/mappings/${uuid}/shards`)).body.shards, {
        timeout: 30_000,
        interval: 200,
      })
      .toHaveLength(1);
    expect(seen.status).toBe(200);

    const sent = await json(other, `/sluice/mappings/${uuid}/shards/shardId-000000000000/skip`, {
      method: 'POST',
      body: JSON.stringify({ by: 'alice' }),
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'pending', action: 'skip' });
    await expect
      .poll(async () => (await json(other!, `/sluice/mappings/${uuid}/shards/commands/${sent.body.id ?? ''}`)).body, {
        timeout: 30_000,
        interval: 200,
      })
      .toMatchObject({ status: 'done', result: { done: true, skipped: 1 } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    // The skipped record is in the owner's on-failure destination, naming who skipped it.
    const parked = await json(owner, '/sluice/memory/queues/parked/messages');
    expect(JSON.stringify(parked.body)).toContain('OperatorSkipped');
    expect(JSON.stringify(parked.body)).toContain('alice');
  } finally {
    await other?.stop('test');
    await owner.stop('test');
    const admin = redis();
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
  }
});

it('#21 a poison record blocks a Kafka partition (MaximumRetryAttempts -1); `sluice shards MAPPING skip SHARD` without a destination discards it and the partition moves on', async () => {
  const topic = await kafkaTopicWith('shards', ['ok0', 'poison1', 'ok2']);
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
        MaximumRetryAttempts: -1,
      },
    ],
  });
  try {
    let shard: OwnedShardView | undefined;
    await expect
      .poll(
        async () => {
          shard = (await json(app, `/sluice/mappings/${uuid}/shards`)).body.shards?.[0];
          return shard?.lanes[0]?.failing;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toMatchObject({ error: 'function error: Error', records: 1 });
    expect(handled()).toEqual(['ok0']);
    // Through the CLI: `sluice shards MAPPING` and `sluice shards MAPPING skip SHARD`.
    const cli = async (...args: string[]) => {
      let out = '';
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {} };
      const code = await runCli(['shards', ...args, '--url', url(app, '')], io);
      return { code, out };
    };
    const listed = await cli(uuid);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(shard!.shardId);
    const sent = await cli(uuid, 'skip', shard!.shardId, '--by', 'bob');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.out)).toMatchObject({ status: 'done', result: { done: true, skipped: 1 } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    const metrics = await (await fetch(url(app, '/metrics'))).text();
    expect(metrics).toMatch(/sluice_dropped_events_total\{[^}]*\} 1/);
    expect(metrics).toMatch(/sluice_operator_actions_total\{[^}]*action="skip"[^}]*\} 1/);
  } finally {
    await app.stop('test');
  }
});

it('#21 shard actions are writes: server auth refuses them without a token, server.api.readOnly refuses them; inspect stays allowed', async () => {
  const token = 'operator-token-0123456789';
  const uuid = randomUUID();
  const base = {
    functions: { fn: { Handler: 'handlers.poisonable', CodeUri: SHARD_FIXTURES } },
    eventSourceMappings: [
      { UUID: uuid, FunctionName: 'fn', EventSourceArn: 'memory://stream/ops', StartingPosition: 'TRIM_HORIZON' },
    ],
  };
  const authed = await start({ ...base, server: { port: 0, auth: { bearerTokens: [token] } } });
  const readOnly = await start({ ...base, server: { port: 0, api: { readOnly: true } } });
  try {
    const skip = `/sluice/mappings/${uuid}/shards/shard-0/skip`;
    expect((await fetch(url(authed, skip), { method: 'POST' })).status).toBe(403);
    expect((await fetch(url(authed, `/sluice/mappings/${uuid}/shards`))).status).toBe(403);
    const withToken = { authorization: `Bearer ${token}` };
    expect((await fetch(url(authed, `/sluice/mappings/${uuid}/shards`), { headers: withToken })).status).toBe(200);
    const refused = await fetch(url(readOnly, `/sluice/mappings/${uuid}/shards/pause`), { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await fetch(url(readOnly, `/sluice/mappings/${uuid}/shards`))).status).toBe(200);
    expect((await fetch(url(readOnly, `/sluice/mappings/${randomUUID()}/shards`))).status).toBe(404);
  } finally {
    await authed.stop('test');
    await readOnly.stop('test');
  }
});

it('#21 park moves the failing batch of a Kinesis shard to the destination given in the request; the shard moves on', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('park');
  await createStream(kinesis, stream, 1);
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
  for (const id of ['ok0', 'poison1', 'ok2'])
    await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ id })) }),
    );
  const { log, handled } = handledLog();
  const uuid = randomUUID();
  const app = await start({
    tuning: { streamPollIntervalMs: 100, throttleBackoffSeconds: { base: 1, max: 2 } },
    connections: { kinesis: kinesisConnection() },
    functions: { fn: poisonableFn(log) },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'fn',
        EventSourceArn: arn,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumRetryAttempts: -1,
      },
    ],
  });
  try {
    await expect
      .poll(async () => (await json(app, `/sluice/mappings/${uuid}/shards`)).body.shards?.[0]?.lanes[0]?.failing, {
        timeout: 60_000,
        interval: 200,
      })
      .toMatchObject({ records: 1 });
    const park = (destination: string) =>
      json(app, `/sluice/mappings/${uuid}/shards/shardId-000000000000/park`, {
        method: 'POST',
        body: JSON.stringify({ destination, by: 'carol' }),
      });
    // Only a destination sluice can deliver to is accepted.
    expect((await park('not-a-destination')).status).toBe(400);
    const sent = await park('memory://queue/parking');
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'done', result: { done: true, skipped: 1 } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    const parked = JSON.stringify((await json(app, '/sluice/memory/queues/parking/messages')).body);
    expect(parked).toContain('OperatorSkipped');
    expect(parked).toMatch(/action\\*":\\*"park/); // inside the message body (a JSON string)
    expect(parked).toContain('carol');
  } finally {
    await app.stop('test');
  }
});

it('#21 `sluice shards MAPPING seek SHARD POSITION` moves a blocked Kinesis shard past the poison record; backwards is refused without --force', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('seek');
  await createStream(kinesis, stream, 1);
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
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
  const uuid = randomUUID();
  const app = await start({
    tuning: { streamPollIntervalMs: 100, throttleBackoffSeconds: { base: 1, max: 2 } },
    connections: { kinesis: kinesisConnection() },
    functions: { fn: poisonableFn(log) },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'fn',
        EventSourceArn: arn,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumRetryAttempts: -1,
      },
    ],
  });
  try {
    await expect
      .poll(async () => (await json(app, `/sluice/mappings/${uuid}/shards`)).body.shards?.[0]?.position.checkpoint, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(seq[0]);
    const cli = async (...args: string[]) => {
      let out = '';
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {} };
      const code = await runCli(['shards', ...args, '--url', url(app, '')], io);
      return { code, out: JSON.parse(out) as unknown };
    };
    // Before the checkpoint: refused without --force.
    const back = await cli(uuid, 'seek', 'shardId-000000000000', '1');
    expect(back.out).toMatchObject({ status: 'refused' });
    const forward = await cli(uuid, 'seek', 'shardId-000000000000', seq[1]!);
    expect(forward.out).toMatchObject({ status: 'done', result: { done: true } });
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    await expect
      .poll(async () => (await json(app, `/sluice/mappings/${uuid}/shards`)).body.shards?.[0]?.position.checkpoint, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(seq[2]);
  } finally {
    await app.stop('test');
  }
});
