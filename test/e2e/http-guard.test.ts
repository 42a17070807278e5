// The HTTP surface against hostile callers: browser guard (Host, Origin), auth answers, odd requests.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from './service.js';
import { errorType, rawRequest } from './raw-http.js';

let svc: Service;
let authed: Service;
const TOKEN = 'a-token-of-sixteen-chars-or-more';
const echo = { Handler: 'functions.echo', CodeUri: FIXTURES };
const invokePath = (name: string) => `/2015-03-31/functions/${name}/invocations`;

beforeAll(async () => {
  [svc, authed] = await Promise.all([
    startService({
      server: { port: 0, allowedHosts: ['sluice.internal'], allowedOrigins: ['https://console.example.com'] },
      functions: { echo },
    }),
    startService({ server: { port: 0, auth: { bearerTokens: [TOKEN] } }, functions: { echo } }),
  ]);
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
  expect(await authed.stop()).toBe(0);
});

describe('browser guard: Host (DNS rebinding) and Origin (cross-site)', () => {
  it('the AWS SDK and plain fetch keep working unchanged', async () => {
    const client = new LambdaClient({
      endpoint: svc.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"a":1}') }));
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toMatchObject({ event: { a: 1 } });
    client.destroy();
    const res = await fetch(`${svc.url}${invokePath('echo')}`, { method: 'POST', body: '{"b":2}' });
    expect(res.status).toBe(200);
    const port = new URL(svc.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'sluice.internal'])
      expect((await rawRequest(svc.url, '/healthz', { headers: { Host: host } })).status).toBe(200);
  });

  it('a foreign Host name is refused with 421 (rebinding), on every route', async () => {
    for (const [method, path] of [
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      ['POST', invokePath('echo')],
      ['POST', '/2014-11-13/functions/echo/invoke-async/'],
    ] as const) {
      const a = await rawRequest(svc.url, path, { method, headers: { Host: 'attacker.example.com:9001' }, body: '{}' });
      expect(a.status).toBe(421);
      expect(errorType(a)).toBe('MisdirectedRequestException');
    }
  });

  it('AUTH a Host that merely starts with 127. is not loopback (127.evil.com)', async () => {
    const a = await rawRequest(svc.url, '/healthz', { headers: { Host: '127.evil.com' } });
    expect(a.status).toBe(421);
  });

  it('an Origin other than the allowed ones is refused with 403, the legacy invoke-async route too', async () => {
    for (const path of [invokePath('echo'), '/2014-11-13/functions/echo/invoke-async/']) {
      const a = await rawRequest(svc.url, path, {
        method: 'POST',
        headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' },
        body: '{}',
      });
      expect(a.status).toBe(403);
      expect(errorType(a)).toBe('AccessDeniedException');
    }
    const nul = await rawRequest(svc.url, '/metrics', { headers: { Origin: 'null' } });
    expect(nul.status).toBe(403);
    const noOrigin = await rawRequest(svc.url, '/metrics', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(noOrigin.status).toBe(403);
  });

  it('an allowed Origin gets its answer with CORS headers, and its preflight', async () => {
    const headers = { Origin: 'https://console.example.com' };
    const a = await rawRequest(svc.url, invokePath('echo'), { method: 'POST', headers, body: '{}' });
    expect(a.status).toBe(200);
    expect(a.headers['access-control-allow-origin']).toBe('https://console.example.com');
    const pre = await rawRequest(svc.url, invokePath('echo'), {
      method: 'OPTIONS',
      headers: {
        ...headers,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toBe('content-type');
  });
});

describe('auth answers and odd requests', () => {
  it('AUTH-1 AUTH-4 AUTH-17 auth answers carry x-amzn-ErrorType: no token 403 MissingAuthenticationToken, a wrong one 403 UnrecognizedClient', async () => {
    const a = await rawRequest(authed.url, invokePath('echo'), { method: 'POST', body: '{}' });
    expect(a.status).toBe(403);
    expect(errorType(a)).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(a.body)).toMatchObject({ message: 'Missing Authentication Token' });
    const wrong = await rawRequest(authed.url, invokePath('echo'), {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-token-at-all' },
      body: '{}',
    });
    expect(wrong.status).toBe(403);
    expect(errorType(wrong)).toBe('UnrecognizedClientException');
    const ok = await rawRequest(authed.url, invokePath('echo'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(ok.status).toBe(200);
  });

  it('a malformed %-encoding in the function name is a 400, not a 500', async () => {
    const a = await rawRequest(svc.url, invokePath('%E0%A4%A'), { method: 'POST', body: '{}' });
    expect(a.status).toBe(400);
    expect(errorType(a)).toBe('ValidationException');
  });

  it('ERR-5 a body that is not valid UTF-8 is refused with 400 InvalidRequestContentException (never altered)', async () => {
    const body = Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    for (const type of ['RequestResponse', 'Event']) {
      const a = await rawRequest(svc.url, invokePath('echo'), {
        method: 'POST',
        headers: { 'X-Amz-Invocation-Type': type },
        body,
      });
      expect(a.status).toBe(400);
      expect(errorType(a)).toBe('InvalidRequestContentException');
    }
  });

  it('ERR-5 a large body that is not JSON is refused with 400 InvalidRequestContentException (parsed off the main loop)', async () => {
    const a = await rawRequest(svc.url, invokePath('echo'), { method: 'POST', body: `[${'1,'.repeat(300_000)}]` });
    expect(a.status).toBe(400);
    expect(errorType(a)).toBe('InvalidRequestContentException');
    const ok = await rawRequest(svc.url, invokePath('echo'), { method: 'POST', body: `[${'1,'.repeat(300_000)}1]` });
    expect(ok.status).toBe(200);
    // The bytes moved to the helper thread and back reach the function intact.
    expect((JSON.parse(ok.body) as { event: number[] }).event).toHaveLength(300_001);
    // The bytes moved to the helper thread and back reach the function intact.
    expect((JSON.parse(ok.body) as { event: number[] }).event).toHaveLength(300_001);
  });
});
