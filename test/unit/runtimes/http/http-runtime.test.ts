import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec, InvokeResult } from '../../../../src/ports/function-runtime.js';
import { HttpRuntime } from '../../../../src/runtimes/http/http-runtime.js';

const never = new AbortController().signal;
let server: http.Server;
let base: string;
let connections = 0;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(req.headers);
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/ok') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ got: JSON.parse(body) as unknown }));
      } else if (req.url === '/fail') {
        res.writeHead(500).end('kaput');
      } else if (req.url === '/lambda-error') {
        res.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end('{"errorType":"Boom","errorMessage":"no"}');
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('"late"'), 2000);
      } else res.writeHead(404).end();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function runtime(url: string, timeoutMs = 1000): HttpRuntime {
  const spec: FunctionSpec = {
    name: 'web',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:web',
    timeoutMs,
    memorySizeMb: 128,
    environment: {},
    settings: { Url: url },
  };
  return new HttpRuntime(spec);
}

const req = (requestId: string, event: unknown = { n: 1 }) => ({
  requestId,
  payload: Buffer.from(JSON.stringify(event)),
});
const text = (r: InvokeResult) => ('payload' in r ? r.payload.toString() : '');

describe('http runtime', () => {
  it('POSTs the event with the Lambda headers over a kept-alive connection; 2xx body is the result', async () => {
    const rt = runtime(`${base}/ok`);
    const before = connections;
    const first = await rt.invoke(req('r-1', { hello: 'there' }), never);
    const second = await rt.invoke(req('r-2'), never);
    expect(first).toMatchObject({ kind: 'success', coldStart: false });
    expect(JSON.parse(text(first))).toEqual({ got: { hello: 'there' } });
    expect(second.kind).toBe('success');
    expect(connections - before).toBe(1);
    const headers = seen.at(-2) ?? {};
    expect(headers['content-type']).toBe('application/json');
    expect(headers['lambda-runtime-aws-request-id']).toBe('r-1');
    expect(Number(headers['lambda-runtime-deadline-ms'])).toBeGreaterThan(Date.now());
    await rt.close();
  });

  it('a non-2xx status is a function error of type HttpError', async () => {
    const rt = runtime(`${base}/fail`);
    const result = await rt.invoke(req('r-3'), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'HttpError' });
    expect(JSON.parse(text(result))).toEqual({
      errorType: 'HttpError',
      errorMessage: 'HTTP 500 Internal Server Error: kaput',
    });
    await rt.close();
  });

  it('a 2xx with X-Amz-Function-Error is a function error carrying the endpoint error object', async () => {
    const rt = runtime(`${base}/lambda-error`);
    const result = await rt.invoke(req('r-4'), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'Boom' });
    await rt.close();
  });

  it('ERR-4 a response slower than the timeout is Sandbox.Timedout', async () => {
    const rt = runtime(`${base}/slow`, 200);
    const result = await rt.invoke(req('r-5'), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'Sandbox.Timedout' });
    expect(JSON.parse(text(result))).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: r-5 Error: Task timed out after 0.20 seconds',
    });
    await rt.close();
  });

  it('ERR-7 connection refused is a system error (no retry budget used)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const rt = runtime(`http://127.0.0.1:${port}/`);
    const result = await rt.invoke(req('r-6'), never);
    expect(result).toMatchObject({ kind: 'system-error', statusCode: 502 });
    expect(result.kind === 'system-error' && result.message).toContain('ECONNREFUSED');
    await rt.close();
  });

  it('ERR-7 a connection reset mid-request is a system error', async () => {
    const rude = http.createServer((r) => r.socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const rt = runtime(`http://127.0.0.1:${(rude.address() as AddressInfo).port}/`);
    expect(await rt.invoke(req('r-7'), never)).toMatchObject({ kind: 'system-error' });
    await rt.close();
    await new Promise((resolve) => rude.close(resolve));
  });
});
