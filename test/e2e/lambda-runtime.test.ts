// The `lambda` runtime pointed at another sluice: ERR-7's mapping of results over the real Invoke API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from './service.js';

let backend: Service;
let front: Service;

beforeAll(async () => {
  backend = await startService({
    functions: {
      echo: { Handler: 'functions.echo', CodeUri: FIXTURES },
      fail: { Handler: 'functions.fail', CodeUri: FIXTURES },
      off: { Handler: 'functions.echo', CodeUri: FIXTURES, ReservedConcurrentExecutions: 0 },
    },
  });
  const remote = (name: string) => ({ Runtime: 'lambda', Connection: 'backend', RemoteFunctionName: name });
  front = await startService({
    connections: {
      backend: {
        type: 'lambda',
        endpoint: backend.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      },
    },
    functions: { 'remote-echo': remote('echo'), 'remote-fail': remote('fail'), 'remote-off': remote('off') },
  });
});
afterAll(async () => {
  await Promise.all([front?.stop(), backend?.stop()]);
});

const invoke = (name: string, body: string) =>
  fetch(`${front.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body });

describe('lambda runtime against another sluice (ERR-7)', () => {
  it('a success comes back as the remote result', async () => {
    const res = await invoke('remote-echo', '{"x":1}');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ event: { x: 1 }, fn: 'echo' });
  });

  it('a remote FunctionError stays a function error', async () => {
    const res = await invoke('remote-fail', '{}');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await res.json()).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('a remote 429 is a throttle, answered as 429 TooManyRequestsException', async () => {
    const res = await invoke('remote-off', '{}');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
  });
});
