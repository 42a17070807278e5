// Issue #17's whole flow as a deploy tool runs it, signed with SigV4 against Redis state: CreateFunction from a zip,
// the FunctionActiveV2 waiter, CreateEventSourceMapping on an ElasticMQ queue for that API-created function, records
// flow, UpdateEventSourceMapping (BatchSize, Enabled), a restart that keeps both, DeleteEventSourceMapping and
// DeleteFunction. Before, a mapping could only name a function of the config file (404 for API-created ones).
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { afterAll, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { servers, uniqueName } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { outFile, readSeen, sqsConnections } from '../sqs/service-kit.js';

const bed = new SqsTestBed();
const services: Service[] = [];
const KEY = { accessKeyId: 'AKIDCONTROLPLANE01', secretAccessKey: 'control-plane-secret-0123456789' };

afterAll(async () => {
  for (const s of services) await s.stop();
  await bed.close();
});

// The handler records each message body, as a deployed function would write to its store.
const HANDLER = `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  for (const r of event.Records) appendFileSync(process.env.OUT_FILE, JSON.stringify({ id: r.messageId, body: r.body, count: event.Records.length, pid: process.pid, at: Date.now() }) + '\\n');
  return {};
};
`;

function lambdaOf(svc: Service): LambdaClient {
  // A copy: the SDK marks the credentials object it is given ($source), which would end up in the config.
  return new LambdaClient({ endpoint: svc.url, region: 'us-east-1', credentials: { ...KEY }, maxAttempts: 2 });
}

it('#17 function from a zip, mapping on ElasticMQ, records flow, update, restart, delete (SigV4, Redis state)', async () => {
  const out = outFile();
  const config = {
    connections: { ...sqsConnections(), redis: { type: 'redis', url: servers().redis.url } },
    state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('cpflow') },
    server: { auth: { accessKeys: [{ ...KEY }] } },
    tuning: { functionStateDelayMs: 0 },
  };
  let svc = await startService(config);
  services.push(svc);
  let lambda = lambdaOf(svc);
  const fn = uniqueName('cp-fn');
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: 'nodejs24.x',
      Role: 'arn:aws:iam::000000000000:role/sluice',
      Handler: 'index.handler',
      Timeout: 5,
      Environment: { Variables: { OUT_FILE: out } },
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(HANDLER) }) },
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: fn });

  const q = await bed.createQueue('cp-flow', { VisibilityTimeout: '10' });
  const created = await lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn, BatchSize: 5 }),
  );
  const UUID = created.UUID!;
  const state = async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State;
  await eventually(async () => ((await state()) === 'Enabled' ? true : undefined), 30_000);
  const seen = (prefix: string) =>
    new Set(
      readSeen(out)
        .map((s) => s.body)
        .filter((b) => b.startsWith(prefix)),
    );
  await bed.send(q, ['a-1', 'a-2', 'a-3']);
  await eventually(() => Promise.resolve(seen('a-').size === 3 ? true : undefined), 30_000);

  // Disabled stops the polling; messages sent meanwhile wait in the queue and flow once enabled again.
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false, BatchSize: 10 }));
  await eventually(async () => ((await state()) === 'Disabled' ? true : undefined), 30_000);
  await bed.send(q, ['b-1', 'b-2']);
  await new Promise((r) => setTimeout(r, 1500));
  expect(seen('b-').size).toBe(0);

  // A restart keeps the function and the mapping (state store); enabling resumes where it stopped.
  expect(await svc.stop()).toBe(0);
  services.length = 0;
  svc = await startService(config);
  services.push(svc);
  lambda = lambdaOf(svc);
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: fn });
  expect(await lambda.send(new GetEventSourceMappingCommand({ UUID }))).toMatchObject({
    State: 'Disabled',
    BatchSize: 10,
  });
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
  await eventually(() => Promise.resolve(seen('b-').size === 2 ? true : undefined), 30_000);

  await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
  await eventually(
    async () =>
      (await lambda.send(new GetEventSourceMappingCommand({ UUID })).catch((e: Error) => e)) instanceof Error
        ? true
        : undefined,
    30_000,
  );
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
  expect(await bed.remaining(q)).toBe(0);
}, 180_000);
