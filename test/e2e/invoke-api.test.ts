import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from './service.js';

let svc: Service;
const fn = (handler: string, extra: object = {}) => ({ Handler: `functions.${handler}`, CodeUri: FIXTURES, ...extra });

const invoke = (name: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body, headers });

// The same answers whether nodejs functions run in child processes (default) or worker threads.
describe.each(['process', 'worker'])('Invoke API over HTTP (ASY-1, ERR-1..5), isolation %s', (isolation) => {
  beforeAll(async () => {
    svc = await startService({
      server: { port: 0, maxSyncPayloadBytes: 1024 * 1024 },
      runtimes: { nodejs: { isolation } },
      functions: {
        echo: fn('echo'),
        fail: fn('fail'),
        slow: fn('slow', { Timeout: 1 }),
        big: fn('big'),
        off: fn('echo', { ReservedConcurrentExecutions: 0 }),
      },
    });
  });
  afterAll(async () => {
    expect(await svc.stop()).toBe(0);
  });

  it('ASY-1 RequestResponse returns 200 with the function result and X-Amz-Executed-Version', async () => {
    const res = await invoke('echo', '{"a":1}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    const body = (await res.json()) as { event: unknown; fn: string; requestId: string };
    expect(body).toMatchObject({ event: { a: 1 }, fn: 'echo' });
    expect(res.headers.get('x-amzn-requestid')).toBe(body.requestId);
  });

  it('ERR-1 a function error is a 200 with X-Amz-Function-Error: Unhandled and the Node error body (D-8, ERR-3)', async () => {
    const res = await invoke('fail', '{}', { 'X-Amz-Log-Type': 'Tail' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await res.json()).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'boom',
      trace: expect.any(Array) as unknown,
    });
    const tail = Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(tail).toContain('about to fail');
  });

  it('ERR-4 a timeout is a function error with the Sandbox.Timedout body (D-8)', async () => {
    const res = await invoke('slow', '{"ms": 5000}');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = (await res.json()) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Sandbox.Timedout');
    expect(body.errorMessage).toMatch(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/);
  });

  it('ASY-1 DryRun returns 204', async () => {
    expect((await invoke('echo', '{}', { 'X-Amz-Invocation-Type': 'DryRun' })).status).toBe(204);
  });

  it('ERR-5 unknown function → 404 ResourceNotFoundException', async () => {
    const res = await invoke('nope', '{}');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('ERR-5 body that is not JSON → 400 InvalidRequestContentException', async () => {
    const res = await invoke('echo', '{not json');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });

  it('ASY-2 oversized request → 413 RequestTooLargeException', async () => {
    const res = await invoke('echo', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });

  it('CON-5 reserved concurrency 0 → 429 TooManyRequestsException with a Reason', async () => {
    const res = await invoke('off', '{}');
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
  });

  it('accepts a function ARN as the name', async () => {
    const res = await invoke(encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:echo'), '{}');
    expect(res.status).toBe(200);
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/sluice_invocations_total\{function="echo",source="sync"\} \d+/);
    expect(text).toContain('sluice_process_cpu_seconds_total');
    expect(text).toMatch(/sluice_build_info\{version="[^"]+",node_version="24\.[^"]+"\} 1/);
  });
});
