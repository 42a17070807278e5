// The AWS CLI v1 (botocore's signer, pinned from PyPI by test/services/awscli.ts) against an authenticated sluice:
// credentials and region from the environment, --endpoint-url to the service. botocore sends no
// x-amz-content-sha256 for Lambda, so the body's hash is part of the signature (AUTH-11). CLI v1 sends --payload
// as given (v2 would need --cli-binary-format). Fails when the CLI cannot be installed.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, installAwsCli } from '../services/awscli.js';
import { FIXTURES, startService, type Service } from './service.js';

const KEY = { accessKeyId: 'AKIDSLUICECLI', secretAccessKey: 'cli-secret-0123456789abcdef' };
const TEMP = { accessKeyId: 'ASIASLUICECLI', secretAccessKey: 'cli-temporary-0123456789', sessionToken: 'cli-tok' };
const UUID = '2c1a8f3e-5b7d-4e0a-9c6f-1d2e3f4a5b6c';
let svc: Service;

const env = (secret = KEY.secretAccessKey) => ({
  AWS_ACCESS_KEY_ID: KEY.accessKeyId,
  AWS_SECRET_ACCESS_KEY: secret,
  AWS_DEFAULT_REGION: 'us-east-1',
});
const lambda = (args: string[], secret?: string) => awsCli(['lambda', ...args, '--endpoint-url', svc.url], env(secret));

beforeAll(async () => {
  await installAwsCli();
  svc = await startService({
    server: { port: 0, auth: { accessKeys: [KEY, TEMP] } },
    functions: { echo: { Handler: 'functions.echo', CodeUri: FIXTURES } },
    eventSourceMappings: [{ UUID, FunctionName: 'echo', EventSourceArn: 'memory://queue/cli-orders' }],
  });
}, 600_000);
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

describe('AWS CLI v1 against a SigV4-authenticated sluice', () => {
  it('AUTH-8 AUTH-11 AUTH-13 aws lambda invoke, by name and by ARN, signed by botocore', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-cli-'));
    for (const name of ['echo', 'arn:aws:lambda:us-east-1:000000000000:function:echo']) {
      const out = path.join(dir, 'out.json');
      const r = await lambda(['invoke', '--function-name', name, '--payload', '{"from":"cli"}', out]);
      expect(r.json()).toMatchObject({ StatusCode: 200 });
      expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ event: { from: 'cli' }, fn: 'echo' });
    }
  });

  it('AUTH-9 aws lambda list-event-source-mappings (a signed query) and get-event-source-mapping', async () => {
    const list = await lambda(['list-event-source-mappings', '--function-name', 'echo']);
    const page = list.json<{ EventSourceMappings: Array<{ UUID: string; EventSourceArn: string }> }>();
    expect(page.EventSourceMappings.map((m) => m.UUID)).toEqual([UUID]);
    const got = await lambda(['get-event-source-mapping', '--uuid', UUID]);
    expect(got.json()).toMatchObject({ UUID, EventSourceArn: 'memory://queue/cli-orders' });
  });

  it('AUTH-9 the function reads and the function-active-v2 waiter, signed by botocore', async () => {
    const fns = (await lambda(['list-functions'])).json<{ Functions: Array<{ FunctionName: string }> }>();
    expect(fns.Functions.map((f) => f.FunctionName)).toEqual(['echo']);
    const cfg = await lambda(['get-function-configuration', '--function-name', 'echo']);
    expect(cfg.json()).toMatchObject({ FunctionName: 'echo', State: 'Active' });
    const wait = await lambda(['wait', 'function-active-v2', '--function-name', 'echo']);
    expect(wait.code, wait.stderr).toBe(0);
  });

  it('AUTH-15 temporary credentials: AWS_SESSION_TOKEN is signed and checked', async () => {
    const temp = {
      AWS_ACCESS_KEY_ID: TEMP.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEMP.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    const args = ['lambda', 'list-event-source-mappings', '--endpoint-url', svc.url];
    expect((await awsCli(args, { ...temp, AWS_SESSION_TOKEN: TEMP.sessionToken })).code).toBe(0);
    const foreign = await awsCli(args, { ...temp, AWS_SESSION_TOKEN: 'another-token' });
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/UnrecognizedClientException/);
  });

  it('AUTH-13 a wrong secret fails the CLI with InvalidSignatureException', async () => {
    const r = await lambda(['list-event-source-mappings'], 'not-the-configured-secret');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/InvalidSignatureException/);
  });
});
