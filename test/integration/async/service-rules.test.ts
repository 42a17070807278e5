// ASY-1..14 through the built service: Redis state, ElasticMQ destinations, @aws-sdk/client-lambda as the only client.
// ASY-7/8 with a real MaximumEventAgeInSeconds (60 s minimum) live in service-event-age.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeAsyncCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import {
  ACCOUNT,
  asyncQueueDepth,
  attemptLog,
  attempts,
  createQueue,
  deleteQueues,
  fn,
  Inbox,
  json,
  lambdaClient,
  REGION,
  resetAsyncQueue,
  serviceConfig,
  type TestQueue,
} from './service-kit.js';

const DB = 11;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let svc: Service;
let lambda: LambdaClient;
let queues: TestQueue[];
let success: Inbox;
let failure: Inbox;
let dlq: Inbox;
let sink: Inbox;
let configured: Inbox;
let hookServer: Server;
const hookBodies: string[] = [];
const spoolFile = attemptLog();

beforeAll(async () => {
  await resetAsyncQueue(DB);
  queues = await Promise.all(['asy-ok', 'asy-fail', 'asy-dlq', 'asy-sink', 'asy-cfg'].map(createQueue));
  const [S, F, D, K, C] = queues as [TestQueue, TestQueue, TestQueue, TestQueue, TestQueue];
  [success, failure, dlq, sink, configured] = [S, F, D, K, C].map((q) => new Inbox(q)) as [
    Inbox,
    Inbox,
    Inbox,
    Inbox,
    Inbox,
  ];
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hookBodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  const hookPort = (hookServer.address() as AddressInfo).port;
  const dest = (onSuccess?: string, onFailure?: string) => ({
    DestinationConfig: {
      ...(onSuccess ? { OnSuccess: { Destination: onSuccess } } : {}),
      ...(onFailure ? { OnFailure: { Destination: onFailure } } : {}),
    },
  });
  svc = await startService(
    serviceConfig(
      DB,
      {
        ok: fn({ EventInvokeConfig: dest(S.arn, F.arn) }),
        plain: fn(),
        retry0: fn({
          EventInvokeConfig: { MaximumRetryAttempts: 0, ...dest(undefined, F.arn) },
          DeadLetterConfig: { TargetArn: D.arn },
        }),
        retry1: fn({ EventInvokeConfig: { MaximumRetryAttempts: 1, ...dest(undefined, F.arn) } }),
        retry2: fn({ EventInvokeConfig: dest(S.arn, F.arn) }),
        zero: fn({
          ReservedConcurrentExecutions: 0,
          EventInvokeConfig: dest(S.arn, F.arn),
          DeadLetterConfig: { TargetArn: D.arn },
        }),
        single: fn({
          ReservedConcurrentExecutions: 1,
          EventInvokeConfig: { MaximumRetryAttempts: 0, ...dest(S.arn, F.arn) },
        }),
        chain: fn({ EventInvokeConfig: dest(arnOf('sink')) }),
        sink: fn({ EventInvokeConfig: dest(K.arn) }),
        hook: fn({ EventInvokeConfig: dest(`http://127.0.0.1:${hookPort}/hook`) }),
        mem: fn({ EventInvokeConfig: dest('memory://queue/asy-mem') }),
        spooler: { Handler: 'handlers.spool', CodeUri: fn().CodeUri, Environment: { Variables: { SPOOL: spoolFile } } },
        drops: fn({ EventInvokeConfig: { MaximumRetryAttempts: 0 } }),
        cfg: fn(),
      },
      { eventSourceMappings: [{ FunctionName: 'spooler', EventSourceArn: 'memory://queue/asy-mem' }] },
    ),
  );
  lambda = lambdaClient(svc.url);
});

afterAll(async () => {
  lambda?.destroy();
  const code = await svc?.stop();
  hookServer?.closeAllConnections();
  await new Promise((r) => hookServer?.close(r));
  await deleteQueues(queues ?? []);
  await closeClients();
  expect(code).toBe(0);
});

/** Sends an Event invocation and returns the request id the service answered with. */
async function send(name: string, event: unknown, extra: { ClientContext?: string } = {}): Promise<string> {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      InvocationType: 'Event',
      Payload: typeof event === 'string' ? Buffer.from(event) : json(event),
      ...extra,
    }),
  );
  expect(out.StatusCode).toBe(202);
  return out.$metadata.requestId!;
}

/** The error an SDK call rejects with: exception name and HTTP status. */
async function failureOf(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

describe('asynchronous invocation through the service (Redis state, ElasticMQ destinations)', () => {
  it('ASY-1 InvocationType Event answers 202 with an empty body and the request id the function then runs with', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'ok', InvocationType: 'Event', Payload: json({ tag: 'asy1' }) }),
    );
    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.length ?? 0).toBe(0);
    expect(out.FunctionError).toBeUndefined();
    const requestId = out.$metadata.requestId!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const record = await success.byRequestId(requestId);
    expect(record.requestContext.condition).toBe('Success');
    expect(record.responsePayload).toMatchObject({ tag: 'asy1' });
  });

  it('ASY-1 ASY-2 the legacy InvokeAsync answers 202 {Status:202} and queues the event', async () => {
    const out = await lambda.send(new InvokeAsyncCommand({ FunctionName: 'ok', InvokeArgs: json({ tag: 'legacy' }) }));
    expect(out.Status).toBe(202);
    const record = await success.byRequestId(out.$metadata.requestId!);
    expect(record.requestPayload).toEqual({ tag: 'legacy' });
  });

  it('ASY-2 an Event payload over 1 MB is 413 RequestTooLargeException; exactly 1 MB is accepted', async () => {
    const sized = (bytes: number) => {
      const p = Buffer.from(JSON.stringify({ pad: '' }).replace('""', `"${'x'.repeat(bytes - 10)}"`));
      expect(p.length).toBe(bytes);
      return p;
    };
    const over = await failureOf(
      lambda.send(
        new InvokeCommand({ FunctionName: 'plain', InvocationType: 'Event', Payload: sized(1024 * 1024 + 1) }),
      ),
    );
    expect(over).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
    const at = await lambda.send(
      new InvokeCommand({ FunctionName: 'plain', InvocationType: 'Event', Payload: sized(1024 * 1024) }),
    );
    expect(at.StatusCode).toBe(202);
  });

  it('ASY-2 the legacy InvokeAsync takes at most 256 KB', async () => {
    const args = (bytes: number) => Buffer.from(`{"pad":"${'x'.repeat(bytes - 10)}"}`);
    const over = await failureOf(
      lambda.send(new InvokeAsyncCommand({ FunctionName: 'plain', InvokeArgs: args(256 * 1024 + 1) })),
    );
    expect(over).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
    const at = await lambda.send(new InvokeAsyncCommand({ FunctionName: 'plain', InvokeArgs: args(256 * 1024) }));
    expect(at.Status).toBe(202);
  });

  it('ASY-3 ClientContext reaches the function on a sync invoke only', async () => {
    const ClientContext = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
    const sync = await lambda.send(
      new InvokeCommand({ FunctionName: 'ok', Payload: json({ tag: 'sync' }), ClientContext }),
    );
    expect(JSON.parse(Buffer.from(sync.Payload!).toString())).toMatchObject({ clientContext: { custom: { k: 'v' } } });
    const requestId = await send('ok', { tag: 'asy3' }, { ClientContext });
    const record = await success.byRequestId(requestId);
    expect(record.responsePayload).toMatchObject({ tag: 'asy3', clientContext: null });
  });

  it('ASY-4 D-5 reserved concurrency 0 sends the event straight to failure: ZeroReservedConcurrency, count 0, never run', async () => {
    const log = attemptLog();
    const requestId = await send('zero', { tag: 'zero', log });
    const record = await failure.byRequestId(requestId);
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(ISO) as unknown,
      requestContext: {
        requestId,
        functionArn: `${arnOf('zero')}:$LATEST`,
        condition: 'ZeroReservedConcurrency',
        approximateInvokeCount: 0,
      },
      requestPayload: { tag: 'zero', log },
    });
    const dead = await dlq.waitFor((rs) =>
      rs.length > 0 ? dlq.messages.find((m) => m.MessageAttributes?.RequestID?.StringValue === requestId) : undefined,
    );
    expect(dead.MessageAttributes?.ErrorCode).toMatchObject({ DataType: 'Number', StringValue: '429' });
    expect(attempts(log)).toEqual([]);
  });

  it('ASY-5 function errors are retried MaximumRetryAttempts times (0, 1, 2) after the configured gaps, with one request id', async () => {
    const logs = [attemptLog(), attemptLog(), attemptLog()];
    const ids = await Promise.all(
      (['retry0', 'retry1', 'retry2'] as const).map((name, i) => send(name, { tag: name, fail: true, log: logs[i] })),
    );
    const records = await Promise.all(ids.map((id) => failure.byRequestId(id)));
    records.forEach((record, retries) => {
      expect(record.requestContext).toMatchObject({
        condition: 'RetriesExhausted',
        approximateInvokeCount: retries + 1,
      });
      const seen = attempts(logs[retries]!);
      expect(seen.map((a) => a.requestId)).toEqual(Array.from({ length: retries + 1 }, () => ids[retries]));
      expect(record.responsePayload).toMatchObject({ errorMessage: `attempt ${retries + 1} failed` });
    });
    // tuning.asyncRetryDelaysSeconds [1, 2]: the 2nd attempt waits >= 1 s, the 3rd >= 2 s (lower bounds only).
    const at = attempts(logs[2]!).map((a) => a.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_950);
  });

  it('ASY-5 an event that fails once and then succeeds reaches OnSuccess with approximateInvokeCount 2', async () => {
    const log = attemptLog();
    const requestId = await send('retry2', { tag: 'flaky', failTimes: 1, log });
    const record = await success.byRequestId(requestId);
    expect(record.requestContext).toMatchObject({ condition: 'Success', approximateInvokeCount: 2 });
    expect(record.responsePayload).toMatchObject({ attempt: 2 });
    expect(attempts(log).map((a) => a.requestId)).toEqual([requestId, requestId]);
  });

  it('ASY-6 a throttled event (reserved concurrency 1, busy) is retried later without using MaximumRetryAttempts 0', async () => {
    const log = attemptLog();
    const throttlesBefore = await metricValue(svc.url, 'sluice_throttles_total', { function: 'single' });
    const blocker = await send('single', { tag: 'blocker', ms: 3_000, log });
    await eventually(() => Promise.resolve(attempts(log).length > 0 ? true : undefined));
    const waiting = await send('single', { tag: 'waiting', log });
    const record = await success.byRequestId(waiting);
    expect(record.requestContext).toMatchObject({ condition: 'Success', approximateInvokeCount: 1 });
    expect(await metricValue(svc.url, 'sluice_throttles_total', { function: 'single' })).toBeGreaterThan(
      throttlesBefore,
    );
    // The handler saw the throttled event once, and only after the blocker had finished.
    const seen = attempts(log);
    expect(seen.map((a) => a.tag)).toEqual(['blocker', 'waiting']);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(2_950);
    expect((await success.byRequestId(blocker)).requestContext.condition).toBe('Success');
  });

  it('ASY-9 Put replaces, Update merges, Get reads, Delete removes the EventInvokeConfig; the config is live', async () => {
    const C = configured.queue;
    expect(
      await failureOf(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'cfg',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnSuccess: { Destination: C.arn } },
      }),
    );
    expect(put).toMatchObject({
      FunctionArn: `${arnOf('cfg')}:$LATEST`,
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnSuccess: { Destination: C.arn }, OnFailure: {} },
    });
    expect(put.LastModified).toBeInstanceOf(Date);
    const requestId = await send('cfg', { tag: 'cfg' });
    expect((await configured.byRequestId(requestId)).requestContext.condition).toBe('Success');

    const updated = await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumEventAgeInSeconds: 120 }),
    );
    expect(updated).toMatchObject({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
      DestinationConfig: { OnSuccess: { Destination: C.arn } },
    });
    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: arnOf('cfg') }));
    expect(got).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 120 });

    const replaced = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumRetryAttempts: 1 }),
    );
    expect(replaced).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 21600 });
    expect(replaced.DestinationConfig?.OnSuccess?.Destination).toBeUndefined();

    const invalid = [
      { FunctionName: 'cfg', MaximumEventAgeInSeconds: 59 },
      { FunctionName: 'cfg', MaximumRetryAttempts: 3 },
      { FunctionName: 'cfg', DestinationConfig: { OnFailure: { Destination: 'not-a-destination' } } },
    ];
    for (const input of invalid)
      expect(await failureOf(lambda.send(new PutFunctionEventInvokeConfigCommand(input)))).toMatchObject({
        name: 'InvalidParameterValueException',
        status: 400,
      });
    expect(
      await failureOf(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'nope' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });

    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' }));
    for (const cmd of [
      new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' }),
      new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' }),
    ])
      expect(await failureOf(lambda.send(cmd))).toMatchObject({
        name: 'ResourceNotFoundException',
      });
  });

  it('ASY-10 ASY-11 another function as destination is invoked asynchronously with the record as its event', async () => {
    const requestId = await send('chain', { tag: 'chain' });
    const record = await sink.waitFor((rs) =>
      rs.find(
        (r) =>
          (r.requestPayload as { requestContext?: { requestId?: string } }).requestContext?.requestId === requestId,
      ),
    );
    expect(record.requestContext.functionArn).toBe(`${arnOf('sink')}:$LATEST`);
    expect(record.requestContext.requestId).not.toBe(requestId);
    expect(record.requestPayload).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId,
        functionArn: `${arnOf('chain')}:$LATEST`,
        condition: 'Success',
        approximateInvokeCount: 1,
      },
      requestPayload: { tag: 'chain' },
      responsePayload: { tag: 'chain' },
    });
  });

  it('ASY-10 ASY-11 an http(s) URL destination gets the record POSTed as JSON', async () => {
    const requestId = await send('hook', { tag: 'hook' });
    const body = await eventually(() => Promise.resolve(hookBodies.find((b) => b.includes(requestId))));
    expect(JSON.parse(body)).toMatchObject({
      requestContext: { requestId, condition: 'Success' },
      requestPayload: { tag: 'hook' },
    });
  });

  it('ASY-10 ASY-11 a memory:// queue destination feeds an event source mapping in the same service', async () => {
    const requestId = await send('mem', { tag: 'mem' });
    const line = await eventually(() =>
      Promise.resolve(
        existsSync(spoolFile)
          ? readFileSync(spoolFile, 'utf8')
              .split('\n')
              .find((l) => l.includes(requestId))
          : undefined,
      ),
    );
    expect(JSON.parse(line)).toMatchObject({
      requestContext: { requestId, condition: 'Success' },
      requestPayload: { tag: 'mem' },
    });
  });

  it('ASY-12 the success record has exactly the Lambda fields', async () => {
    const requestId = await send('ok', { tag: 'shape', n: 1 });
    const record = await success.byRequestId(requestId);
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(ISO) as unknown,
      requestContext: {
        requestId,
        functionArn: `${arnOf('ok')}:$LATEST`,
        condition: 'Success',
        approximateInvokeCount: 1,
      },
      requestPayload: { tag: 'shape', n: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { attempt: 1, tag: 'shape', pid: expect.any(Number) as unknown, clientContext: null },
    });
  });

  it('ASY-12 the failure record has exactly the Lambda fields, with the last error', async () => {
    const log = attemptLog();
    const requestId = await send('retry1', { tag: 'shape-fail', fail: true, log });
    const record = await failure.byRequestId(requestId);
    expect(Object.keys(record)).toEqual([
      'version',
      'timestamp',
      'requestContext',
      'requestPayload',
      'responseContext',
      'responsePayload',
    ]);
    expect(record).toMatchObject({
      version: '1.0',
      timestamp: expect.stringMatching(ISO) as unknown,
      requestContext: {
        requestId,
        functionArn: `${arnOf('retry1')}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
      },
      requestPayload: { tag: 'shape-fail', fail: true, log },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'attempt 2 failed' },
    });
    expect(Object.keys(record.requestContext)).toEqual([
      'requestId',
      'functionArn',
      'condition',
      'approximateInvokeCount',
    ]);
    expect(Math.abs(Date.parse(record.timestamp) - Date.now())).toBeLessThan(60_000);
  });

  it('ASY-13 the DLQ message body is the original event byte for byte, with RequestID, ErrorCode and ErrorMessage', async () => {
    const original = '{ "tag" :  "dlq",\n  "fail": true }';
    const requestId = await send('retry0', original);
    const message = await dlq.waitFor(() =>
      dlq.messages.find((m) => m.MessageAttributes?.RequestID?.StringValue === requestId),
    );
    expect(message.Body).toBe(original);
    expect(message.MessageAttributes).toEqual({
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'attempt 1 failed' },
    });
    // A DLQ and an on-failure destination are used together.
    expect((await failure.byRequestId(requestId)).requestContext.condition).toBe('RetriesExhausted');
  });

  it('ASY-14 AsyncEventsDropped counts events dropped without a successful run, with or without a destination', async () => {
    const dropped = (fn: string) => metricValue(svc.url, 'sluice_async_events_dropped_total', { function: fn });
    for (let i = 0; i < 3; i++) await send('drops', { fail: true });
    await eventually(async () => ((await dropped('drops')) === 3 ? true : undefined), 20_000);
    expect(await metricValue(svc.url, 'sluice_async_events_received_total', { function: 'drops' })).toBe(3);
    expect(
      await metricValue(svc.url, 'sluice_async_events_dropped_total', {
        function: 'drops',
        reason: 'RetriesExhausted',
      }),
    ).toBe(3);
    expect(await dropped('zero')).toBeGreaterThanOrEqual(1);
    expect(await dropped('ok')).toBe(0);
  });

  it('leaves nothing behind in the Redis queue', async () => {
    await eventually(async () => ((await asyncQueueDepth(DB)) === 0 ? true : undefined), 20_000);
  });
});
