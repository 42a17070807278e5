// The README's walk-through on the embedded default: sync invoke, a memory queue message delivered by
// a mapping, a memory stream record, an async invoke, all visible in the log and /metrics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from './service.js';

let svc: Service;

beforeAll(async () => {
  const config = JSON.parse(readFileSync('config/sluice.json', 'utf8')) as {
    functions: Record<string, Record<string, unknown>>;
  };
  for (const fn of Object.values(config.functions)) fn.CodeUri = path.resolve('config');
  svc = await startService({ ...config, server: { port: 0 } });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
  expect(svc.logs.join('\n')).toMatch(/sluice stopped/);
});

describe('embedded default (config/sluice.json)', () => {
  it('invokes the example function through @aws-sdk/client-lambda', async () => {
    const client = new LambdaClient({
      endpoint: svc.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'hello',
        Payload: Buffer.from(JSON.stringify({ name: 'sdk' })),
        LogType: 'Tail',
      }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toMatchObject({ message: 'hello, sdk' });
    client.destroy();
  });

  it('the SDK sees Lambda errors with their exception names', async () => {
    const client = new LambdaClient({
      endpoint: svc.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await expect(client.send(new InvokeCommand({ FunctionName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    const async = await client.send(
      new InvokeCommand({ FunctionName: 'hello', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );
    expect(async.StatusCode).toBe(202);
    client.destroy();
  });

  it('a message sent to the memory queue is delivered by the mapping, deleted and counted', async () => {
    const res = await fetch(`${svc.url}/sluice/memory/queues/orders/messages`, {
      method: 'POST',
      body: '{"orderId": 42}',
    });
    expect(res.status).toBe(200);
    const { MessageId } = (await res.json()) as { MessageId: string };
    await svc.waitForLog(new RegExp(`handled.*${MessageId}`));
    const deleted = await eventually(async () => {
      const n = await metricValue(svc.url, 'sluice_deleted_events_total', { function: 'orders' });
      return n >= 1 ? n : undefined;
    });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(
      await metricValue(svc.url, 'sluice_invocations_total', { function: 'orders', source: 'esm' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('a record put on the memory stream reaches the function with a Kinesis-shaped event', async () => {
    const res = await fetch(`${svc.url}/sluice/memory/streams/clicks/records?partitionKey=u1`, {
      method: 'POST',
      body: '{"page":"/home"}',
    });
    const { SequenceNumber } = (await res.json()) as { SequenceNumber: string };
    await svc.waitForLog(new RegExp(`handled.*${SequenceNumber}.*aws:kinesis`));
  });

  it('an async invoke runs the function (202, then the invocation shows in /metrics)', async () => {
    const res = await fetch(`${svc.url}/2015-03-31/functions/hello/invocations`, {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: '{"name":"async"}',
    });
    expect(res.status).toBe(202);
    await eventually(async () =>
      (await metricValue(svc.url, 'sluice_invocations_total', { function: 'hello', source: 'async' })) >= 1
        ? true
        : undefined,
    );
    expect(
      await metricValue(svc.url, 'sluice_async_events_received_total', { function: 'hello' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
