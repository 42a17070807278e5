// The Runtime API endpoints and their error shapes (RT-2..8, OPEN-19), driven over HTTP against one listener.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuntimeApiServer, type RuntimeApiHandlers } from '../../../../src/runtimes/runtime-api/server.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:fn';
const servers: RuntimeApiServer[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

interface Seen {
  initDone: number;
  initErrors: string[];
  responses: [string, string][];
  errors: [string, string, string | undefined, number | undefined][];
}

async function start(): Promise<{ server: RuntimeApiServer; base: string; seen: Seen }> {
  const seen: Seen = { initDone: 0, initErrors: [], responses: [], errors: [] };
  const handlers: RuntimeApiHandlers = {
    initDone: () => void seen.initDone++,
    initError: (body) => void seen.initErrors.push(body.toString()),
    response: (id, body) => void seen.responses.push([id, body.toString()]),
    error: (id, body, header, size) => void seen.errors.push([id, body.toString(), header, size]),
    peerAllowed: () => true,
  };
  const server = new RuntimeApiServer(ARN, handlers);
  servers.push(server);
  const address = await server.listen();
  return { server, base: `http://${address}/2018-06-01/runtime`, seen };
}

const invocation = (requestId: string, extra = {}) => ({
  requestId,
  payload: Buffer.from('{"k":1}'),
  deadlineMs: 1_700_000_000_000,
  ...extra,
});

describe('Runtime API server', () => {
  it('RT-1 RT-2 RT-3 next long-polls until an event comes, with Lambda headers (client context decoded)', async () => {
    const { server, base, seen } = await start();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const next = fetch(`${base}/invocation/next`);
    // The first `next` ends init; it then waits for an event.
    await vi.waitFor(() => expect(seen.initDone).toBe(1), { timeout: 10_000 });
    server.deliver(invocation('id-1', { clientContext: Buffer.from('{"custom":{"a":1}}').toString('base64') }));
    const res = await next;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('id-1');
    expect(res.headers.get('lambda-runtime-deadline-ms')).toBe('1700000000000');
    expect(res.headers.get('lambda-runtime-invoked-function-arn')).toBe(ARN);
    expect(res.headers.get('lambda-runtime-trace-id')).toMatch(
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
    expect(res.headers.get('lambda-runtime-client-context')).toBe('{"custom":{"a":1}}');
    expect(res.headers.has('lambda-runtime-cognito-identity')).toBe(false);
    expect(await res.text()).toBe('{"k":1}');
  });

  it('RT-4 RT-7 a response is accepted once (202); a second is 403 InvalidStateTransition, an unknown id 400', async () => {
    const { server, base, seen } = await start();
    server.deliver(invocation('id-2'));
    await (await fetch(`${base}/invocation/next`)).text();
    const wrong = await fetch(`${base}/invocation/other/response`, { method: 'POST', body: '1' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    const ok = await fetch(`${base}/invocation/id-2/response`, { method: 'POST', body: '"done"' });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ status: 'OK' });
    const again = await fetch(`${base}/invocation/id-2/response`, { method: 'POST', body: '"again"' });
    expect(again.status).toBe(403);
    expect(((await again.json()) as { errorType: string }).errorType).toBe('InvalidStateTransition');
    expect(seen.responses).toEqual([['id-2', '"done"']]);
  });

  it('RT-5 RT-6 error and init/error bodies pass byte for byte; init/error after init is 403', async () => {
    const { server, base, seen } = await start();
    const initErr = await fetch(`${base}/init/error`, { method: 'POST', body: '{"errorType":"Runtime.X"}' });
    expect(initErr.status).toBe(202);
    expect(seen.initErrors).toEqual(['{"errorType":"Runtime.X"}']);
    server.deliver(invocation('id-3'));
    await (await fetch(`${base}/invocation/next`)).text();
    expect((await fetch(`${base}/init/error`, { method: 'POST', body: '{}' })).status).toBe(403);
    const headers = { 'Lambda-Runtime-Function-Error-Type': 'Function.Boom' };
    const err = await fetch(`${base}/invocation/id-3/error`, { method: 'POST', body: 'not json', headers });
    expect(err.status).toBe(202);
    expect(seen.errors).toEqual([['id-3', 'not json', 'Function.Boom', undefined]]);
  });

  it('RT-7 next with an invocation open is 403 InvalidStateTransition', async () => {
    const { server, base } = await start();
    server.deliver(invocation('id-4'));
    await (await fetch(`${base}/invocation/next`)).text();
    const res = await fetch(`${base}/invocation/next`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errorType: string }).errorType).toBe('InvalidStateTransition');
  });

  it('RT-7 RT-8 a response over 6,291,556 bytes is 413 RequestEntityTooLarge and reported with its size', async () => {
    const { server, base, seen } = await start();
    server.deliver(invocation('id-5'));
    await (await fetch(`${base}/invocation/next`)).text();
    const res = await fetch(`${base}/invocation/id-5/response`, { method: 'POST', body: Buffer.alloc(6_291_557, 120) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'RequestEntityTooLarge',
    });
    expect(seen.errors).toEqual([['id-5', '', undefined, 6_291_557]]);
  });

  it('RT-8 a response mode other than streaming is 400 InvalidFunctionResponseMode', async () => {
    const { server, base } = await start();
    server.deliver(invocation('id-6'));
    await (await fetch(`${base}/invocation/next`)).text();
    const headers = { 'Lambda-Runtime-Function-Response-Mode': 'chunked' };
    const res = await fetch(`${base}/invocation/id-6/response`, { method: 'POST', body: '1', headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errorType: string }).errorType).toBe('InvalidFunctionResponseMode');
  });

  it('OPEN-19 extensions, telemetry and logs paths answer 404', async () => {
    const { base } = await start();
    const root = base.replace('/2018-06-01/runtime', '');
    const register = await fetch(`${root}/2020-01-01/extension/register`, { method: 'POST', body: '{}' });
    expect(register.status).toBe(404);
    expect((await fetch(`${root}/2022-07-01/telemetry`, { method: 'PUT', body: '{}' })).status).toBe(404);
    expect((await fetch(`${root}/2020-08-15/logs`, { method: 'PUT', body: '{}' })).status).toBe(404);
  });
});
