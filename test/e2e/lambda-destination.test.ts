// ASY-11: a Lambda function ARN as a destination. A function of this sluice is invoked through its async engine;
// one that is not is invoked asynchronously (InvocationType Event) through the `lambda` connection, here another
// sluice, whose own OnSuccess destination shows what arrived.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FIXTURES, startService, type Service } from './service.js';

let hooks: http.Server;
const received: Array<{ url: string; body: string; trace?: string }> = [];
let backend: Service;
let front: Service;
/** A sluice whose lambda connection points at the hooks server, which answers as the Lambda Invoke API. */
let tracer: Service;
const echo = { Handler: 'functions.echo', CodeUri: FIXTURES };
const onSuccess = (Destination: string) => ({
  EventInvokeConfig: { DestinationConfig: { OnSuccess: { Destination } } },
});
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const trace = req.headers['x-amzn-trace-id'];
      received.push({ url: req.url ?? '', body, trace: typeof trace === 'string' ? trace : undefined });
      // An Invoke of InvocationType Event answers 202, as Lambda does.
      res.writeHead(req.url?.includes('/invocations') === true ? 202 : 200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  backend = await startService({ functions: { sink: { ...echo, ...onSuccess(`${hookBase}/sink`) } } });
  front = await startService({
    connections: {
      lambda: {
        type: 'lambda',
        endpoint: backend.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      },
    },
    functions: {
      remote: { ...echo, ...onSuccess(arn('sink')) },
      local: { ...echo, ...onSuccess(arn('next')) },
      next: { ...echo, ...onSuccess(`${hookBase}/next`) },
    },
  });
  tracer = await startService({
    connections: { lambda: { type: 'lambda', endpoint: hookBase, region: 'us-east-1' } },
    functions: { traced: { ...echo, ...onSuccess(arn('elsewhere')) } },
  });
});
afterAll(async () => {
  await Promise.all([front?.stop(), backend?.stop(), tracer?.stop()]);
  await new Promise((r) => hooks?.close(r));
});

const invokeEvent = (name: string, body: object) =>
  fetch(`${front.url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    headers: { 'X-Amz-Invocation-Type': 'Event' },
    body: JSON.stringify(body),
  });

const hit = (url: string, marker: string) =>
  eventually(() => Promise.resolve(received.find((r) => r.url === url && r.body.includes(marker))));

describe('Lambda function destinations (ASY-11)', () => {
  it('ASY-11 a function that is not in this sluice is invoked asynchronously through the lambda connection', async () => {
    expect((await invokeEvent('remote', { marker: 'to-remote' })).status).toBe(202);
    const record = JSON.parse((await hit('/sink', 'to-remote')).body) as {
      requestContext: { functionArn: string };
      requestPayload: { requestContext: { functionArn: string }; requestPayload: { marker: string } };
    };
    // The backend's success record of `sink`, whose event was the front's success record of `remote`.
    expect(record.requestContext.functionArn).toContain(':function:sink');
    expect(record.requestPayload.requestContext.functionArn).toContain(':function:remote');
    expect(record.requestPayload.requestPayload.marker).toBe('to-remote');
  });

  it('ASY-11 a function of this sluice is invoked through its own async engine, not the lambda connection', async () => {
    expect((await invokeEvent('local', { marker: 'to-local' })).status).toBe(202);
    const record = JSON.parse((await hit('/next', 'to-local')).body) as { requestContext: { functionArn: string } };
    expect(record.requestContext.functionArn).toContain(':function:next');
  });

  it("ERR-6 the remote invoke carries the chain's X-Amzn-Trace-Id with its Lineage", async () => {
    const res = await fetch(`${tracer.url}/2015-03-31/functions/traced/invocations`, {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event', 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793' },
      body: JSON.stringify({ marker: 'traced' }),
    });
    expect(res.status).toBe(202);
    const invoke = await hit('/2015-03-31/functions/elsewhere/invocations', 'traced');
    expect(invoke.trace).toContain('Root=1-5759e988-bd862e3fe1be46a994272793');
    expect(invoke.trace).toMatch(/Lineage=[0-9a-f]+:1/);
  });
});
