// The AWS CLI v1 (botocore, SigV4) creates, waits for, invokes, updates and deletes a function with a zip made
// here (#17 item 1): `--zip-file fileb://` is how users upload packages, and botocore signs the whole body.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, installAwsCli } from '../services/awscli.js';
import { startService, type Service } from './service.js';

const KEY = { accessKeyId: 'AKIDSLUICECLIFN', secretAccessKey: 'cli-fn-secret-0123456789abcdef' };
let svc: Service;
let dir = '';

const lambda = (args: string[]) =>
  awsCli(['lambda', ...args, '--endpoint-url', svc.url], {
    AWS_ACCESS_KEY_ID: KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
  });

async function zipFile(version: string): Promise<string> {
  const file = path.join(dir, `${version}.zip`);
  const source = `exports.handler = async (event) => ({ version: ${JSON.stringify(version)}, event });\n`;
  await writeFile(file, zipSync({ 'index.js': strToU8(source) }));
  return `fileb://${file}`;
}

beforeAll(async () => {
  await installAwsCli();
  dir = await mkdtemp(path.join(tmpdir(), 'sluice-cli-fn-'));
  svc = await startService({ server: { port: 0, auth: { accessKeys: [KEY] } } });
}, 600_000);
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

describe('AWS CLI v1: functions from a zip', () => {
  it('FN-5 FN-22 FN-27 create-function, wait function-active-v2, invoke, update-function-code, delete-function', async () => {
    const name = 'cli-made';
    const created = await lambda([
      'create-function',
      '--function-name', name,
      '--runtime', 'nodejs22.x',
      '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/cli',
      '--zip-file', await zipFile('v1'),
    ]); // prettier-ignore
    expect(created.code, created.stderr).toBe(0);
    expect(created.json()).toMatchObject({ FunctionName: name, State: 'Pending' });
    const active = await lambda(['wait', 'function-active-v2', '--function-name', name]);
    expect(active.code, active.stderr).toBe(0);

    const out = path.join(dir, 'out.json');
    const invoke = async () => {
      const r = await lambda(['invoke', '--function-name', name, '--payload', '{"from":"cli"}', out]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(await readFile(out, 'utf8')) as unknown;
    };
    expect(await invoke()).toEqual({ version: 'v1', event: { from: 'cli' } });

    const updated = await lambda(['update-function-code', '--function-name', name, '--zip-file', await zipFile('v2')]);
    expect(updated.code, updated.stderr).toBe(0);
    const done = await lambda(['wait', 'function-updated-v2', '--function-name', name]);
    expect(done.code, done.stderr).toBe(0);
    expect(await invoke()).toMatchObject({ version: 'v2' });

    expect((await lambda(['delete-function', '--function-name', name])).code).toBe(0);
    const gone = await lambda(['get-function', '--function-name', name]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/ResourceNotFoundException/);
  });
});
