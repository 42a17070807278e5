// SigV4 through the built service (npm run build first) with the real AWS SDK v3 Lambda client: a configured access
// key (or its temporary form with a session token) signs Invoke and the mapping reads; every way of getting it
// wrong gets Lambda's exception. The mapping reads an ElasticMQ queue. server.api.readOnly is on: writes are refused.
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  PutFunctionEventInvokeConfigCommand,
  waitUntilFunctionActiveV2,
  type LambdaClientConfig,
} from '@aws-sdk/client-lambda';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FinalizeHandler, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { sqsConnections, sqsMapping } from '../sqs/service-kit.js';

const KEY = { accessKeyId: 'AKIDSLUICEINTEG', secretAccessKey: 'integration-secret-0123456789' };
const TEMP = { accessKeyId: 'ASIASLUICEINTEG', secretAccessKey: 'temporary-secret-0123456789', sessionToken: 'tok-1' };
const TOKEN = 'a-bearer-token-of-sixteen-or-more';
const bed = new SqsTestBed();
const clients: LambdaClient[] = [];
let svc: Service;
let mapping: { UUID: string };
let queueArn = '';

beforeAll(async () => {
  const q = await bed.createQueue('sigv4');
  queueArn = q.arn;
  mapping = sqsMapping('echo', q.arn) as { UUID: string };
  svc = await startService({
    server: {
      port: 0,
      auth: { bearerTokens: [TOKEN], accessKeys: [KEY, TEMP] },
      api: { readOnly: true },
    },
    connections: sqsConnections(),
    functions: { echo: { Handler: 'functions.echo', CodeUri: FIXTURES } },
    eventSourceMappings: [mapping],
  });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  expect(await svc.stop()).toBe(0);
  await closeClients();
  await bed.close();
});

function lambda(config: Partial<LambdaClientConfig> = {}): LambdaClient {
  const c = new LambdaClient({ endpoint: svc.url, region: 'us-east-1', credentials: KEY, maxAttempts: 1, ...config });
  clients.push(c);
  return c;
}

/** The SDK's error for a call: exception name, HTTP status, message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  const err = await p.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  return {
    name: err.name,
    status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    message: err.message,
  };
}

const invoke = (c: LambdaClient, FunctionName = 'echo') =>
  c.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{"a":1}') }));

describe('SigV4 with the AWS SDK v3 against a real sluice', () => {
  it('AUTH-2 AUTH-8 AUTH-13 Invoke (by name and by percent-encoded ARN) and the mapping reads work with a configured key', async () => {
    const c = lambda();
    for (const name of ['echo', 'arn:aws:lambda:us-east-1:000000000000:function:echo']) {
      const out = await invoke(c, name);
      expect(out.StatusCode).toBe(200);
      expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toMatchObject({ event: { a: 1 }, fn: 'echo' });
    }
    const got = await c.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
    expect(got).toMatchObject({ UUID: mapping.UUID, EventSourceArn: queueArn });
    const list = await c.send(new ListEventSourceMappingsCommand({ FunctionName: 'echo', MaxItems: 10 }));
    expect(list.EventSourceMappings?.map((m) => m.UUID)).toEqual([mapping.UUID]);
  });

  it('AUTH-9 the SDK waiter waitUntilFunctionActiveV2 (GetFunction) passes with signed requests', async () => {
    const c = lambda();
    const r = await waitUntilFunctionActiveV2({ client: c, maxWaitTime: 30 }, { FunctionName: 'echo' });
    expect(r.state).toBe('SUCCESS');
  });

  it('AUTH-15 temporary credentials sign with their session token', async () => {
    expect((await invoke(lambda({ credentials: TEMP }))).StatusCode).toBe(200);
    const { sessionToken: _, ...withoutToken } = TEMP;
    expect(await failure(invoke(lambda({ credentials: withoutToken })))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 403,
    });
  });

  it('AUTH-13 a wrong secret is InvalidSignatureException', async () => {
    const c = lambda({ credentials: { ...KEY, secretAccessKey: 'not-the-configured-secret' } });
    expect(await failure(invoke(c))).toEqual({
      name: 'InvalidSignatureException',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
  });

  it('AUTH-4 an unknown access key is UnrecognizedClientException', async () => {
    const c = lambda({ credentials: { accessKeyId: 'AKIDNOTCONFIGURED', secretAccessKey: KEY.secretAccessKey } });
    expect(await failure(invoke(c))).toEqual({
      name: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('AUTH-6 a request signed 10 minutes in the past is InvalidSignatureException "Signature expired"', async () => {
    // maxAttempts 1: on this error the SDK corrects its clock from the Date header and would succeed on a retry.
    const c = lambda({ systemClockOffset: -10 * 60_000 });
    const err = await failure(c.send(new ListEventSourceMappingsCommand({})));
    expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(err.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
  });

  it('AUTH-3 OPEN-18 a signature scoped to another region is InvalidSignatureException', async () => {
    const err = await failure(invoke(lambda({ region: 'eu-west-1' })));
    expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(err.message).toMatch(/^Credential should be scoped to a valid region/);
  });

  it('AUTH-1 an unsigned request is MissingAuthenticationTokenException; a bearer token still authenticates', async () => {
    const c = lambda();
    // Drop the signature the SDK just added, as a client without credentials would send the request.
    const dropSignature =
      (next: FinalizeHandler<object, MetadataBearer>): FinalizeHandler<object, MetadataBearer> =>
      (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        for (const h of Object.keys(headers)) if (/^(authorization|x-amz-)/i.test(h)) delete headers[h];
        return next(args);
      };
    c.middlewareStack.addRelativeTo(dropSignature, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'dropSignature',
    });
    expect(await failure(invoke(c))).toEqual({
      name: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Missing Authentication Token',
    });
    const res = await fetch(`${svc.url}/2015-03-31/functions/echo/invocations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });

  it('OPEN-15 a body changed after signing is refused before the function runs', async () => {
    const c = lambda();
    const tamper =
      (next: FinalizeHandler<object, MetadataBearer>): FinalizeHandler<object, MetadataBearer> =>
      (args) => {
        const request = args.request as { headers: Record<string, string>; body: unknown };
        request.body = '{"a":2}';
        request.headers['content-length'] = '7';
        return next(args);
      };
    c.middlewareStack.addRelativeTo(tamper, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'tamper',
    });
    expect(await failure(invoke(c))).toEqual({
      name: 'InvalidSignatureException',
      status: 403,
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    });
  });

  it('AUTH-14 a presigned URL (the SDK signer, query form) lists the mappings without an Authorization header', async () => {
    const url = new URL(`${svc.url}/2015-03-31/event-source-mappings/`);
    const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
    const presigned = await signer.presign(
      new HttpRequest({
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: { FunctionName: 'echo' },
        headers: { host: url.host },
      }),
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString().replace(/\+/g, '%20');
    const res = await fetch(`${url.href}?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { EventSourceMappings: Array<{ UUID: string }> };
    expect(body.EventSourceMappings.map((m) => m.UUID)).toEqual([mapping.UUID]);
    const forged = await fetch(`${url.href}?${query.replace('FunctionName=echo', 'FunctionName=other')}`);
    expect(forged.status).toBe(403);
  });

  it('server.api.readOnly refuses writes of signed callers with AccessDeniedException; Invoke stays allowed', async () => {
    const c = lambda();
    expect((await invoke(c)).StatusCode).toBe(200);
    const put = c.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'echo', MaximumRetryAttempts: 0 }));
    expect(await failure(put)).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    const create = c.send(new CreateEventSourceMappingCommand({ FunctionName: 'echo', EventSourceArn: queueArn }));
    expect(await failure(create)).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });
});
