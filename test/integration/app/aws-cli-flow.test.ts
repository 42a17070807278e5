// Issue #17's flow run by the AWS CLI v1 (botocore signs, not the JS SDK) against a built sluice with SigV4 auth and
// Redis state: create-function from a zip (fileb://), wait function-active-v2, create-event-source-mapping on an
// ElasticMQ queue, records reach the handler, update-event-source-mapping (--batch-size, --no-enabled, --enabled),
// delete-event-source-mapping, delete-function. The SDK flow is control-plane-flow.test.ts.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCli, installAwsCli } from '../../services/awscli.js';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { servers, uniqueName } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { outFile, readSeen, sqsConnections } from '../sqs/service-kit.js';

const bed = new SqsTestBed();
const KEY = { accessKeyId: 'AKIDCLIFLOW01', secretAccessKey: 'cli-flow-secret-0123456789abcdef' };
let svc: Service | undefined;

beforeAll(async () => {
  await installAwsCli();
}, 600_000);
afterAll(async () => {
  if (svc) expect(await svc.stop()).toBe(0);
  await bed.close();
});

// The handler records each message body, as a deployed function would write to its store.
const HANDLER = `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  for (const r of event.Records) appendFileSync(process.env.OUT_FILE, JSON.stringify({ id: r.messageId, body: r.body, count: event.Records.length, pid: process.pid, at: Date.now() }) + '\\n');
  return {};
};
`;

it('#17 AWS CLI v1: create-function from a zip, wait, create/update/delete-event-source-mapping on ElasticMQ, delete-function (SigV4, Redis state)', async () => {
  const out = outFile();
  // Copies: the SDK inside sluice marks the credential objects it is given.
  svc = await startService({
    connections: { ...sqsConnections(), redis: { type: 'redis', url: servers().redis.url } },
    state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('cliflow') },
    server: { auth: { accessKeys: [{ ...KEY }] } },
    tuning: { functionStateDelayMs: 0 },
  });
  const url = svc.url;
  const cli = (args: string[]) =>
    awsCli(['lambda', ...args, '--endpoint-url', url], {
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
    });
  const lambda = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `aws lambda ${args[0]}: ${r.stderr}`).toBe(0);
    return r.stdout.trim() === '' ? {} : r.json();
  };

  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-cli-flow-'));
  const zip = path.join(dir, 'fn.zip');
  await writeFile(zip, zipSync({ 'index.mjs': strToU8(HANDLER) }));
  const fn = uniqueName('cli-fn');
  expect(
    await lambda([
      'create-function',
      '--function-name', fn,
      '--runtime', 'nodejs24.x',
      '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/sluice',
      '--timeout', '5',
      '--environment', JSON.stringify({ Variables: { OUT_FILE: out } }),
      '--zip-file', `fileb://${zip}`,
    ]), // prettier-ignore
  ).toMatchObject({ FunctionName: fn });
  await lambda(['wait', 'function-active-v2', '--function-name', fn]);

  const q = await bed.createQueue('cli-flow', { VisibilityTimeout: '10' });
  const created = await lambda([
    'create-event-source-mapping',
    '--function-name', fn,
    '--event-source-arn', q.arn,
    '--batch-size', '10',
  ]); // prettier-ignore
  const UUID = created.UUID as string;
  expect(UUID).toMatch(/^[0-9a-f-]{36}$/);
  const state = async () => (await lambda(['get-event-source-mapping', '--uuid', UUID])).State;
  await eventually(async () => ((await state()) === 'Enabled' ? true : undefined), 30_000);
  const seen = (prefix: string) =>
    new Set(
      readSeen(out)
        .map((s) => s.body)
        .filter((b) => b.startsWith(prefix)),
    );
  await bed.send(q, ['a-1', 'a-2', 'a-3']);
  await eventually(() => Promise.resolve(seen('a-').size === 3 ? true : undefined), 30_000);

  // Disabled stops the polling: messages sent meanwhile wait in the queue and flow once enabled again.
  expect(
    await lambda(['update-event-source-mapping', '--uuid', UUID, '--batch-size', '5', '--no-enabled']),
  ).toMatchObject({ BatchSize: 5 });
  await eventually(async () => ((await state()) === 'Disabled' ? true : undefined), 30_000);
  await bed.send(q, ['b-1', 'b-2']);
  await new Promise((r) => setTimeout(r, 1500));
  expect(seen('b-').size).toBe(0);
  await lambda(['update-event-source-mapping', '--uuid', UUID, '--enabled']);
  await eventually(() => Promise.resolve(seen('b-').size === 2 ? true : undefined), 30_000);
  expect(await lambda(['get-event-source-mapping', '--uuid', UUID])).toMatchObject({ BatchSize: 5 });

  await lambda(['delete-event-source-mapping', '--uuid', UUID]);
  await eventually(async () => {
    const r = await cli(['get-event-source-mapping', '--uuid', UUID]);
    return r.code !== 0 && /ResourceNotFoundException/.test(r.stderr) ? true : undefined;
  }, 30_000);
  await lambda(['delete-function', '--function-name', fn]);
  expect(await bed.remaining(q)).toBe(0);
}, 240_000);
