// #21 redrive on real servers: async failure records in an SQS OnFailure destination (ElasticMQ) replayed to the
// function by two processes sharing Redis (the task runs once), an SQS DLQ moved back to its source queue with its
// attributes, a Kinesis on-failure record (kinesalite) read back from the stream and replayed; dry runs move nothing.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import type { RedriveProgress } from '../../../src/app/redrive.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kinesisClient, redis, servers, sqsClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const FIXTURES = path.resolve('test/fixtures/redrive');
const ACCOUNT = '000000000000';

function workDir(): { log: string; fail: string; handled: () => string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-redrive-'));
  const log = path.join(dir, 'handled.log');
  return {
    log,
    fail: path.join(dir, 'FAIL'),
    handled: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

async function queue(prefix: string): Promise<{ arn: string; url: string }> {
  const name = uniqueName(prefix);
  const r = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
  return { arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`, url: r.QueueUrl! };
}

/** Visible plus in-flight messages. */
async function depth(url: string): Promise<number> {
  const r = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(r.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

const connections = () => ({
  sqs: {
    type: 'sqs',
    endpoint: servers().sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  },
  kinesis: {
    type: 'kinesis',
    endpoint: servers().kinesis.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  },
  redis: { type: 'redis', url: servers().redis.url },
});

async function start(config: object): Promise<App> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'redrive.json');
  expect(loaded.problems).toEqual([]);
  return startApp(loaded.config!, createLogger('silent'));
}

const base = (app: App) => `http://127.0.0.1:${app.address().port}`;

async function call(app: App, p: string, body?: object): Promise<{ status: number; body: RedriveProgress }> {
  const res = await fetch(`${base(app)}${p}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as RedriveProgress };
}

async function finished(app: App, id: string): Promise<RedriveProgress> {
  let p: RedriveProgress | undefined;
  await expect
    .poll(async () => (p = (await call(app, `/sluice/redrive/${id}`)).body).status, { timeout: 60_000, interval: 200 })
    .not.toBe('running');
  return p!;
}

/** `sluice redrive ...` against the app: exit code and the report it printed. */
async function cli(app: App, ...args: string[]): Promise<{ code: number; report: RedriveProgress; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['redrive', ...args, '--url', base(app)], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: {},
  });
  return { code, report: (out === '' ? {} : JSON.parse(out)) as RedriveProgress, err };
}

it('#21 redrive: async failure records of an SQS OnFailure destination re-invoke the function once each across two processes sharing Redis; dry run first moves nothing; the destination ends empty', async () => {
  const dlq = await queue('redrive-async');
  const work = workDir();
  writeFileSync(work.fail, '');
  const prefix = `t-${randomUUID()}`;
  const config = {
    state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
    connections: connections(),
    functions: {
      fn: {
        Handler: 'handlers.handler',
        CodeUri: FIXTURES,
        Environment: { Variables: { REDRIVE_LOG: work.log, REDRIVE_FAIL: work.fail } },
        EventInvokeConfig: { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: dlq.arn } } },
      },
    },
  };
  const a = await start(config);
  const b = await start(config);
  try {
    const ids = ['a0', 'a1', 'a2', 'a3', 'a4'];
    for (const id of ids) {
      const res = await fetch(`${base(a)}/2015-03-31/functions/fn/invocations`, {
        method: 'POST',
        headers: { 'X-Amz-Invocation-Type': 'Event' },
        body: JSON.stringify({ id }),
      });
      expect(res.status).toBe(202);
    }
    await expect.poll(() => depth(dlq.url), { timeout: 60_000, interval: 200 }).toBe(ids.length);

    // Dry run (CLI): lists every record, invokes nothing, and every message is still there.
    const dry = await cli(a, '--from', dlq.arn, '--to', 'fn', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.report).toMatchObject({ status: 'done', dryRun: true, seen: 5, replayed: 0, failed: 0, skipped: 0 });
    expect(dry.report.items.map((i) => i.result)).toEqual(Array(5).fill('would'));
    expect(await depth(dlq.url)).toBe(5);

    rmSync(work.fail); // the handler is fixed
    // Started on one process (2 a second: the task takes about 2 s) ...
    const started = await call(a, '/sluice/redrive', { from: dlq.arn, to: 'fn', rate: 2, by: 'alice' });
    expect(started.status).toBe(202);
    // ... a second redrive of the same destination on the other process is refused while it runs ...
    const second = await call(b, '/sluice/redrive', { from: dlq.arn, to: 'fn' });
    expect(second.status).toBe(409);
    // ... which answers for its progress and report (the state store holds them).
    const report = await finished(b, started.body.id);
    expect(report).toMatchObject({ status: 'done', seen: 5, replayed: 5, failed: 0, skipped: 0, by: 'alice' });
    const shown = await cli(b, '--status', started.body.id);
    expect(shown.report).toMatchObject({ id: started.body.id, replayed: 5 });

    await expect.poll(() => [...work.handled()].sort(), { timeout: 60_000, interval: 200 }).toEqual(ids);
    expect(await depth(dlq.url)).toBe(0);
  } finally {
    await b.stop('test');
    await a.stop('test');
    const admin = redis();
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
  }
}, 120_000);

it('#21 redrive an SQS DLQ back to its source queue (StartMessageMoveTask style): body and message attributes kept, deleted from the DLQ only after sent; dry run moves nothing', async () => {
  const source = await queue('redrive-src');
  const dlq = await queue('redrive-dlq');
  const sqs = sqsClient();
  const bodies = ['{"n":1}', 'plain text', '{"n":3}'];
  for (const [i, body] of bodies.entries())
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq.url,
        MessageBody: body,
        MessageAttributes: {
          tag: { DataType: 'String', StringValue: `t${i}` },
          count: { DataType: 'Number', StringValue: String(i) },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([i, 255]) },
        },
      }),
    );
  const app = await start({ connections: connections() });
  try {
    const dry = await cli(app, '--from', dlq.arn, '--to', source.arn, '--dry-run');
    expect(dry.report).toMatchObject({ status: 'done', seen: 3, replayed: 0 });
    expect(dry.report.items.map((i) => i.detail)).toEqual(Array(3).fill(`move to ${source.arn}`));
    expect(await depth(dlq.url)).toBe(3);
    expect(await depth(source.url)).toBe(0);

    const moved = await cli(app, '--from', dlq.arn, '--to', source.arn, '--rate', '50/s');
    expect(moved.code).toBe(0);
    expect(moved.report).toMatchObject({ status: 'done', seen: 3, replayed: 3, failed: 0, skipped: 0 });
    expect(await depth(dlq.url)).toBe(0);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: source.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    const seen = (got.Messages ?? []).map((m) => ({
      body: m.Body,
      tag: m.MessageAttributes?.tag?.StringValue,
      count: m.MessageAttributes?.count,
      blob: [...(m.MessageAttributes?.blob?.BinaryValue ?? [])],
    }));
    expect(seen.sort((x, y) => String(x.tag).localeCompare(String(y.tag)))).toEqual(
      bodies.map((body, i) => ({
        body,
        tag: `t${i}`,
        count: expect.objectContaining({ DataType: 'Number', StringValue: String(i) }) as unknown,
        blob: [i, 255],
      })),
    );
  } finally {
    await app.stop('test');
  }
}, 60_000);

it('#21 redrive a Kinesis on-failure record (kinesalite): the records are read back from the stream and the function invoked with the mapping event; a record whose data is gone is skipped, said so, and stays', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('redrive');
  await createStream(kinesis, stream, 1);
  const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${stream}`;
  const dlq = await queue('redrive-kin');
  const work = workDir();
  writeFileSync(work.fail, '');
  const app = await start({
    tuning: { streamPollIntervalMs: 100 },
    connections: connections(),
    functions: {
      fn: {
        Handler: 'handlers.handler',
        CodeUri: FIXTURES,
        Environment: { Variables: { REDRIVE_LOG: work.log, REDRIVE_FAIL: work.fail } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'fn',
        EventSourceArn: arn,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: dlq.arn } },
      },
    ],
  });
  try {
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: ['k0', 'k1', 'k2'].map((id) => ({ PartitionKey: 'p', Data: Buffer.from(JSON.stringify({ id })) })),
      }),
    );
    expect(put.FailedRecordCount ?? 0).toBe(0);
    await expect.poll(() => depth(dlq.url), { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
    rmSync(work.fail);
    // A record naming a range the stream no longer holds (before everything in it).
    const gone = {
      requestContext: { requestId: randomUUID(), condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      version: '1.0',
      timestamp: new Date().toISOString(),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '1',
        endSequenceNumber: '2',
        approximateArrivalOfFirstRecord: new Date(Date.now() - 60_000).toISOString(),
        approximateArrivalOfLastRecord: new Date(Date.now() - 60_000).toISOString(),
        batchSize: 2,
        streamArn: arn,
      },
    };
    await sqsClient().send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify(gone) }));
    const failures = (await depth(dlq.url)) - 1;

    const dry = await cli(app, '--from', dlq.arn, '--to', 'fn', '--dry-run');
    expect(dry.report).toMatchObject({ seen: failures + 1, replayed: 0, skipped: 1 });
    expect(dry.report.items.filter((i) => i.result === 'would').map((i) => i.detail)).toEqual(
      Array(failures).fill(expect.stringMatching(/^invoke fn with \d+ records of shardId-000000000000 /)),
    );
    expect(work.handled()).toEqual([]);

    const r = await cli(app, '--from', dlq.arn, '--to', 'fn');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ status: 'done', seen: failures + 1, replayed: failures, failed: 0, skipped: 1 });
    expect(r.report.items).toEqual([
      expect.objectContaining({
        result: 'skipped',
        detail: expect.stringContaining('no longer in the stream') as string,
      }),
    ]);
    expect(work.handled()).toEqual(['k0', 'k1', 'k2']);
    expect(await depth(dlq.url)).toBe(1); // only the record whose data is gone
  } finally {
    await app.stop('test');
  }
}, 120_000);

it('#21 POST /sluice/redrive is a write: refused when server.api.readOnly; bad addresses are a 400, an unknown task a 404', async () => {
  const dlq = await queue('redrive-ro');
  const ro = await start({ server: { port: 0, api: { readOnly: true } }, connections: connections() });
  const rw = await start({
    connections: connections(),
    functions: { fn: { Handler: 'handlers.handler', CodeUri: FIXTURES } },
  });
  try {
    expect((await call(ro, '/sluice/redrive', { from: dlq.arn, to: 'fn' })).status).toBe(403);
    expect((await call(rw, '/sluice/redrive', { from: dlq.arn, to: 'nope' })).status).toBe(400);
    expect((await call(rw, '/sluice/redrive', { from: 'memory://stream/x', to: 'fn' })).status).toBe(400);
    expect((await call(rw, '/sluice/redrive', { from: dlq.arn, to: 'fn', rate: -1 })).status).toBe(400);
    expect((await call(rw, `/sluice/redrive/${randomUUID()}`)).status).toBe(404);
    const bad = await cli(rw, '--from', dlq.arn, '--to', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('not a function of this sluice');
  } finally {
    await ro.stop('test');
    await rw.stop('test');
  }
}, 60_000);
