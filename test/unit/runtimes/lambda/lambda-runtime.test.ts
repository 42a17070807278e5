import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec, InvokeResult } from '../../../../src/ports/function-runtime.js';
import { LambdaRuntime } from '../../../../src/runtimes/lambda/lambda-runtime.js';

// A minimal Lambda Invoke endpoint (POST /2015-03-31/functions/{name}/invocations) whose answer
// depends on the function name, to check how the runtime maps each kind of answer (ERR-7).
const never = new AbortController().signal;
let server: http.Server;
let endpoint: string;
const calls: Array<{ name: string; qualifier: string | null; headers: http.IncomingHttpHeaders; body: string }> = [];

function awsError(res: http.ServerResponse, status: number, type: string, body: Record<string, unknown>, extra = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, ...extra });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method !== 'POST' || !match) return awsError(res, 404, 'UnknownOperationException', {});
      const name = decodeURIComponent(match[1] ?? '');
      const body = Buffer.concat(chunks).toString();
      calls.push({ name, qualifier: url.searchParams.get('Qualifier'), headers: req.headers, body });
      const tail =
        req.headers['x-amz-log-type'] === 'Tail'
          ? { 'x-amz-log-result': Buffer.from('START tail\n').toString('base64') }
          : {};
      switch (name) {
        case 'ok':
          res
            .writeHead(200, { 'x-amz-executed-version': '$LATEST', ...tail })
            .end(JSON.stringify({ echo: JSON.parse(body) as unknown }));
          return;
        case 'failing':
          res.writeHead(200, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
          res.end(JSON.stringify({ errorType: 'TypeError', errorMessage: 'nope', trace: [] }));
          return;
        case 'throttled':
          return awsError(
            res,
            429,
            'TooManyRequestsException',
            { Type: 'User', message: 'Rate Exceeded.', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
            { 'retry-after': '3' },
          );
        case 'broken':
          return awsError(res, 500, 'ServiceException', { Type: 'Server', message: 'internal' });
        case 'not-ready':
          return awsError(res, 502, 'ResourceNotReadyException', { Type: 'Server', message: 'not ready' });
        case 'slow':
          setTimeout(() => res.writeHead(200).end('"late"'), 2000);
          return;
        default:
          return awsError(res, 404, 'ResourceNotFoundException', {
            Type: 'User',
            Message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`,
          });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const runtimes: LambdaRuntime[] = [];
afterAll(() => Promise.all(runtimes.map((rt) => rt.close())));

function runtime(settings: Record<string, unknown>, name = 'ok', timeoutMs = 3000): LambdaRuntime {
  const spec: FunctionSpec = {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    timeoutMs,
    memorySizeMb: 128,
    environment: {},
    settings: { Endpoint: endpoint, Credentials: { AccessKeyId: 'test', SecretAccessKey: 'test' }, ...settings },
  };
  const rt = new LambdaRuntime(spec, { timeoutMarginMs: 100 });
  runtimes.push(rt);
  return rt;
}

const req = (requestId: string, extra = {}) => ({ requestId, payload: Buffer.from('{"n":1}'), ...extra });
const text = (r: InvokeResult) => ('payload' in r ? r.payload.toString() : '');

describe('lambda runtime (ERR-7 mapping)', () => {
  it('200 → success with the payload, FunctionName/Qualifier and the log tail', async () => {
    const rt = runtime({ FunctionName: 'ok', Qualifier: 'live' }, 'local-name');
    const result = await rt.invoke(req('l-1', { tailLogs: true }), never);
    expect(result).toMatchObject({ kind: 'success', logTail: 'START tail\n' });
    expect(JSON.parse(text(result))).toEqual({ echo: { n: 1 } });
    expect(calls.at(-1)).toMatchObject({ name: 'ok', qualifier: 'live', body: '{"n":1}' });
  });

  it('FunctionName defaults to the spec name', async () => {
    const rt = runtime({}, 'ok');
    expect(await rt.invoke(req('l-2'), never)).toMatchObject({ kind: 'success' });
    expect(calls.at(-1)?.qualifier).toBeNull();
  });

  it('200 + X-Amz-Function-Error → function-error with the error object', async () => {
    const result = await runtime({ FunctionName: 'failing' }).invoke(req('l-3'), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'TypeError' });
    expect(JSON.parse(text(result))).toMatchObject({ errorMessage: 'nope' });
  });

  it('CON-5 429 TooManyRequestsException → throttle with its Reason and Retry-After', async () => {
    const result = await runtime({ FunctionName: 'throttled' }).invoke(req('l-4'), never);
    expect(result).toEqual({
      kind: 'throttle',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      message: 'Rate Exceeded.',
      retryAfterSeconds: 3,
    });
  });

  it('5xx → system-error with the status and exception name', async () => {
    expect(await runtime({ FunctionName: 'broken' }).invoke(req('l-5'), never)).toMatchObject({
      kind: 'system-error',
      statusCode: 500,
      errorType: 'ServiceException',
    });
    expect(await runtime({ FunctionName: 'not-ready' }).invoke(req('l-6'), never)).toMatchObject({
      kind: 'system-error',
      statusCode: 502,
      errorType: 'ResourceNotReadyException',
    });
  });

  it('404 → system-error ResourceNotFoundException', async () => {
    const result = await runtime({ FunctionName: 'ghost' }).invoke(req('l-7'), never);
    expect(result).toMatchObject({ kind: 'system-error', statusCode: 404, errorType: 'ResourceNotFoundException' });
  });

  it('connection refused → system-error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runtime({ Endpoint: `http://127.0.0.1:${port}` }).invoke(req('l-8'), never);
    expect(result).toMatchObject({ kind: 'system-error', statusCode: 502 });
    expect(result.kind === 'system-error' && result.message).toContain('ECONNREFUSED');
  });

  it('no answer well past the function timeout → Sandbox.Timedout', async () => {
    const result = await runtime({ FunctionName: 'slow' }, 'slow', 100).invoke(req('l-9'), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'Sandbox.Timedout' });
  });
});
