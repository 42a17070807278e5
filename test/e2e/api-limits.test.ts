// Destinations set over the API (ASY-9), read-only mode, memory source caps and the shared body budget.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FIXTURES, startService, type Service } from './service.js';
import { errorType, rawRequest } from './raw-http.js';

let svc: Service;
let readOnly: Service;
let hooks: http.Server;
const received: Array<{ url: string; auth: string | undefined }> = [];
let hookBase = '';
const fn = (handler: string, extra: object = {}) => ({ Handler: `functions.${handler}`, CodeUri: FIXTURES, ...extra });
const configPath = (name: string) => `/2019-09-25/functions/${name}/event-invoke-config`;
const putConfig = (s: Service, name: string, body: unknown) =>
  rawRequest(s.url, configPath(name), { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
const onFailure = (Destination: string) => ({
  MaximumRetryAttempts: 0,
  DestinationConfig: { OnFailure: { Destination } },
});

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    received.push({ url: req.url ?? '', auth: req.headers.authorization });
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  const config = {
    server: { port: 0, maxBufferedBodyBytes: 1024 * 1024 },
    limits: { memorySources: { maxRecords: 3 } },
    state: { type: 'memory', keyPrefix: 'sluice' },
    connections: {
      hooks: { type: 'http', baseUrl: `${hookBase}/hooks/`, headers: { Authorization: 'Bearer hook-secret' } },
      redis: { type: 'redis', url: 'redis://127.0.0.1:1' },
      kafka: { type: 'kafka', brokers: ['127.0.0.1:1'] },
    },
    functions: { echo: fn('echo'), fail: fn('fail'), slow: fn('slow', { Timeout: 10 }) },
  };
  [svc, readOnly] = await Promise.all([
    startService(config),
    startService({ ...config, server: { port: 0, api: { readOnly: true } } }),
  ]);
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
  expect(await readOnly.stop()).toBe(0);
  await new Promise((r) => hooks.close(r));
});

describe('ASY-9 destinations set over the API resolve to configured connections', () => {
  it.each([
    ['redis://sluice:checkpoints', 'sluice'],
    ['redis://{sluice:async}:ready', 'sluice'],
    ['kafka://__consumer_offsets', 'internal'],
    ['http://attacker.example/collect', 'baseUrl'],
    ['http://127.0.0.1:1/hooks/x', 'baseUrl'],
    ['arn:aws:lambda:us-east-1:000000000000:function:not-configured', 'configured'],
    ['arn:aws:sqs:us-east-1:000000000000:q', 'sqs connection'],
    ['ftp://example.com/x', 'not a destination'],
  ])('refuses %s with InvalidParameterValueException naming the allowed forms', async (dest, why) => {
    const a = await putConfig(svc, 'fail', onFailure(dest));
    expect(a.status).toBe(400);
    expect(errorType(a)).toBe('InvalidParameterValueException');
    expect(a.body).toContain(why);
    expect(a.body).toContain('allowed:');
  });

  it("ASY-9 accepts a configured function and a URL under an http connection's baseUrl; its headers go there", async () => {
    const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:echo';
    expect((await putConfig(svc, 'echo', onFailure(fnArn))).status).toBe(200);
    for (const d of ['redis://sluice-events', 'kafka://orders-failed', 'memory://queue/failed'])
      expect((await putConfig(svc, 'echo', onFailure(d))).status, d).toBe(200);
    expect((await putConfig(svc, 'fail', onFailure(`${hookBase}/hooks/failed`))).status).toBe(200);
    const inv = await rawRequest(svc.url, '/2015-03-31/functions/fail/invocations', {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: '{}',
    });
    expect(inv.status).toBe(202);
    const hit = await eventually(async () => Promise.resolve(received.find((r) => r.url === '/hooks/failed')));
    expect(hit.auth).toBe('Bearer hook-secret');
  });

  it('ASY-9 ERR-5 a null or non-object config body is a 400 InvalidRequestContentException, not a 500', async () => {
    for (const body of ['null', '[]', '"x"', '{"DestinationConfig": 5}']) {
      const a = await putConfig(svc, 'echo', body);
      expect(a.status).toBe(400);
      expect(['InvalidRequestContentException', 'InvalidParameterValueException']).toContain(errorType(a));
    }
  });

  it('ASY-9 server.api.readOnly refuses configuration changes with 403 and still answers reads', async () => {
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const a = await rawRequest(readOnly.url, configPath('echo'), { method, body: '{}' });
      expect(a.status).toBe(403);
      expect(errorType(a)).toBe('AccessDeniedException');
    }
    expect((await rawRequest(readOnly.url, configPath('echo'))).status).toBe(404);
  });
});

describe('bounded resources', () => {
  it('memory sources are capped (limits.memorySources): a full broker answers 429 with a message', async () => {
    const send = () => rawRequest(svc.url, '/sluice/memory/queues/capped/messages', { method: 'POST', body: 'x' });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    const full = await send();
    expect(full.status).toBe(429);
    expect(errorType(full)).toBe('TooManyRequestsException');
    expect(full.body).toContain('memory sources are full');
  });

  it('ASY-2 a body is admitted against its limit and server.maxBufferedBodyBytes before it is read (429 beyond it, freed after)', async () => {
    const held = http.request({
      host: '127.0.0.1',
      port: new URL(svc.url).port,
      method: 'POST',
      path: '/2015-03-31/functions/echo/invocations',
      headers: { 'Content-Length': String(900 * 1024) },
      agent: false,
    });
    const heldAnswer = new Promise<number>((resolve) => held.on('response', (r) => resolve(r.statusCode ?? 0)));
    held.write('{"pad":"');
    await eventually(async () => {
      const a = await rawRequest(svc.url, '/2015-03-31/functions/echo/invocations', {
        method: 'POST',
        body: JSON.stringify({ pad: 'y'.repeat(200 * 1024) }),
      });
      return a.status === 429 ? a : undefined;
    }).then((a) => expect(errorType(a)).toBe('TooManyRequestsException'));
    held.end(`${'x'.repeat(900 * 1024 - 10)}"}`);
    expect(await heldAnswer).toBe(200);
    const after = await rawRequest(svc.url, '/2015-03-31/functions/echo/invocations', {
      method: 'POST',
      body: JSON.stringify({ pad: 'y'.repeat(200 * 1024) }),
    });
    expect(after.status).toBe(200);
  });
});
