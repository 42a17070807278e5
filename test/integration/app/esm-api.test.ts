// The event source mapping API (ESMAPI-n) with @aws-sdk/client-lambda against the BUILT sluice with Redis state on
// the shared ElasticMQ: create, update, disable/enable, delete, duplicates, validation, the file's mappings, a restart
// and two processes sharing the store. Functions come from the config file.
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { servers, uniqueName } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping } from '../sqs/service-kit.js';

const bed = new SqsTestBed();
// A receive a stopped poller (or a stopped process) left open on ElasticMQ may still take messages; they come back
// after the visibility timeout, which is kept short so the tests need not wait the default 30 s.
const SHORT_VISIBILITY = { VisibilityTimeout: '2' };
const out = outFile();
const keyPrefix = uniqueName('esmapi');
const services: Service[] = [];
let fileMapping: Record<string, unknown>;
let config: Record<string, unknown>;

function lambdaOf(svc: Service): LambdaClient {
  return new LambdaClient({
    endpoint: svc.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

async function start(): Promise<{ svc: Service; lambda: LambdaClient }> {
  const svc = await startService(config);
  services.push(svc);
  return { svc, lambda: lambdaOf(svc) };
}

async function stop(svc: Service): Promise<void> {
  expect(await svc.stop()).toBe(0);
  services.splice(services.indexOf(svc), 1);
}

const bodiesSeen = (prefix: string) =>
  new Set(
    readSeen(out)
      .filter((s) => s.body.startsWith(prefix))
      .map((s) => s.body),
  );

async function stateOf(lambda: LambdaClient, uuid: string): Promise<EventSourceMappingConfiguration> {
  return lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
}

const untilState = (lambda: LambdaClient, uuid: string, state: string) =>
  eventually(async () => {
    // Another process's change shows once this one has polled the store: not found until then.
    const m = await stateOf(lambda, uuid).catch((err: Error) => {
      if (err.name === 'ResourceNotFoundException') return undefined;
      throw err;
    });
    return m?.State === state ? m : undefined;
  }, 30_000);

async function rejected(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  const fileQueue = await bed.createQueue('esm-file');
  fileMapping = sqsMapping('rec', fileQueue.arn);
  config = {
    connections: { ...sqsConnections(), redis: { type: 'redis', url: servers().redis.url } },
    state: { type: 'redis', connection: 'redis', keyPrefix },
    functions: { rec: fixtureFunction('record', out, { Timeout: 1 }), other: fixtureFunction('record', out) },
    eventSourceMappings: [fileMapping],
  };
});

afterAll(async () => {
  for (const svc of [...services]) await stop(svc);
  await bed.close();
});

describe('event source mapping API on SQS with Redis state', () => {
  it('ESMAPI-1/2/9/10/15 Create answers 202 Creating with a new UUID, then Enabled; records flow; Get/List shapes', async () => {
    const { svc, lambda } = await start();
    try {
      const q = await bed.createQueue('esm-create');
      const created = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn, Tags: { team: 'a' } }),
      );
      expect(created.State).toBe('Creating');
      expect(created.StateTransitionReason).toBe('USER_INITIATED');
      expect(created.UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(created.EventSourceMappingArn).toBe(
        `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`,
      );
      // ESMAPI-10: the SDK turns the epoch-seconds number into a Date (a string would fail to parse).
      expect(created.LastModified).toBeInstanceOf(Date);
      expect(Math.abs(created.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
      // ESMAPI-15: effective defaults.
      expect(created.BatchSize).toBe(10);
      expect(created.MaximumBatchingWindowInSeconds).toBe(0);
      expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:rec');
      // ESMAPI-9: no Tags member; the tags are read with ListTags on the mapping's ARN.
      expect(created).not.toHaveProperty('Tags');
      const tags = await lambda.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn }));
      expect(tags.Tags).toEqual({ team: 'a' });
      const uuid = created.UUID!;
      await untilState(lambda, uuid, 'Enabled');

      await bed.send(q, ['create-1', 'create-2', 'create-3']);
      await eventually(() => Promise.resolve(bodiesSeen('create-').size === 3 ? true : undefined), 30_000);

      const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: q.arn }));
      expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([uuid]);
      const all = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'rec' }));
      expect(all.EventSourceMappings?.map((m) => m.UUID)).toEqual(expect.arrayContaining([uuid, fileMapping.UUID]));
    } finally {
      await stop(svc);
    }
  });

  it('ESMAPI-13 a second mapping of the same function and queue is a ResourceConflictException; a missing function a 404', async () => {
    const { svc, lambda } = await start();
    try {
      const q = await bed.createQueue('esm-dup');
      const first = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn }),
      );
      const dup = await rejected(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn })),
      );
      expect(dup).toEqual({
        name: 'ResourceConflictException',
        status: 409,
        message: `An event source mapping with SQS arn (" ${q.arn} ") and function (" rec ") already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
      });
      // OPEN-11: another function on the same queue is fine.
      const other = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'other', EventSourceArn: q.arn, Enabled: false }),
      );
      expect(other.UUID).not.toBe(first.UUID);
      const missing = await rejected(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'nope', EventSourceArn: q.arn })),
      );
      expect(missing.name).toBe('ResourceNotFoundException');
      expect(missing.status).toBe(404);
      for (const uuid of [first.UUID!, other.UUID!]) {
        await untilState(lambda, uuid, uuid === first.UUID ? 'Enabled' : 'Disabled');
        await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
      }
    } finally {
      await stop(svc);
    }
  });

  it("ESMAPI-14 invalid settings are InvalidParameterValueException with Lambda's messages, from the config's rules", async () => {
    const { svc, lambda } = await start();
    try {
      const q = await bed.createQueue('esm-invalid');
      const window = await rejected(
        lambda.send(
          new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn, BatchSize: 100 }),
        ),
      );
      expect(window).toEqual({
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
      });
      const position = await rejected(
        lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: 'rec',
            EventSourceArn: q.arn,
            StartingPosition: 'LATEST',
          }),
        ),
      );
      expect(position.name).toBe('InvalidParameterValueException');
      expect(position.message).toMatch(/StartingPosition/);
      // P-6, asked of the queue itself at create.
      const short = await bed.createQueue('esm-short', { VisibilityTimeout: '1' });
      const visibility = await rejected(
        lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'other', EventSourceArn: short.arn })),
      );
      expect(visibility).toEqual({
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'Queue visibility timeout: 1 seconds is less than Function timeout: 3 seconds',
      });
      for (const arn of [q.arn, short.arn]) {
        const stored = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn }));
        expect(stored.EventSourceMappings).toEqual([]);
      }
    } finally {
      await stop(svc);
    }
  });

  it('ESMAPI-3/5 Update: BatchSize applies (Updating, then Enabled); Enabled false stops polling, true resumes, nothing lost', async () => {
    const { svc, lambda } = await start();
    try {
      const q = await bed.createQueue('esm-update', SHORT_VISIBILITY);
      const { UUID } = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn }),
      );
      const uuid = UUID!;
      await untilState(lambda, uuid, 'Enabled');
      const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 }));
      expect(updated.State).toBe('Updating');
      expect(updated.BatchSize).toBe(5);
      expect((await untilState(lambda, uuid, 'Enabled')).BatchSize).toBe(5);

      const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
      expect(disabling.State).toBe('Disabling');
      await untilState(lambda, uuid, 'Disabled');
      const bodies = Array.from({ length: 12 }, (_, i) => `paused-${i}`);
      await bed.send(q, bodies);
      // Disabled: nothing is received; the messages wait in the queue.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(bodiesSeen('paused-').size).toBe(0);
      expect(await bed.remaining(q)).toBe(12);

      const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
      expect(enabling.State).toBe('Enabling');
      await untilState(lambda, uuid, 'Enabled');
      await eventually(() => Promise.resolve(bodiesSeen('paused-').size === 12 ? true : undefined), 30_000);
      expect(bodiesSeen('paused-')).toEqual(new Set(bodies));
    } finally {
      await stop(svc);
    }
  });

  it('ESMAPI-6 Delete answers 202 Deleting; the mapping is gone, records sent before it were all processed', async () => {
    const { svc, lambda } = await start();
    try {
      const q = await bed.createQueue('esm-delete');
      const { UUID } = await lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn }),
      );
      const uuid = UUID!;
      await untilState(lambda, uuid, 'Enabled');
      const bodies = Array.from({ length: 20 }, (_, i) => `deleted-${i}`);
      await bed.send(q, bodies);
      await eventually(() => Promise.resolve(bodiesSeen('deleted-').size > 0 ? true : undefined), 30_000);
      const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
      expect(deleted.State).toBe('Deleting');
      await eventually(async () => {
        const r = await rejected(stateOf(lambda, uuid)).catch(() => undefined);
        return r?.name === 'ResourceNotFoundException' ? true : undefined;
      }, 30_000);
      // Whatever was received was processed and deleted from the queue; the rest waits there.
      const seen = bodiesSeen('deleted-');
      expect((await bed.remaining(q)) + seen.size).toBe(20);
      const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: q.arn }));
      expect(listed.EventSourceMappings).toEqual([]);
    } finally {
      await stop(svc);
    }
  });

  it('ESMAPI-1 a mapping of the config file cannot be updated or deleted over the API (the file stays authoritative)', async () => {
    const { svc, lambda } = await start();
    try {
      const uuid = String(fileMapping.UUID);
      const update = await rejected(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 3 })));
      expect(update.name).toBe('InvalidParameterValueException');
      expect(update.message).toMatch(/config file/);
      const del = await rejected(lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid })));
      expect(del.name).toBe('InvalidParameterValueException');
      expect((await stateOf(lambda, uuid)).BatchSize).toBe(10);
    } finally {
      await stop(svc);
    }
  });

  it('ESMAPI-1 API mappings survive a restart and are shared by two sluice processes on one Redis', async () => {
    const a = await start();
    const q = await bed.createQueue('esm-shared', SHORT_VISIBILITY);
    const { UUID } = await a.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q.arn, BatchSize: 4 }),
    );
    const uuid = UUID!;
    await untilState(a.lambda, uuid, 'Enabled');
    // A second process started later loads it; one started before picks it up without a restart (below).
    const b = await start();
    expect((await untilState(b.lambda, uuid, 'Enabled')).BatchSize).toBe(4);
    const q2 = await bed.createQueue('esm-shared-2', SHORT_VISIBILITY);
    const second = await b.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'rec', EventSourceArn: q2.arn }),
    );
    await untilState(a.lambda, second.UUID!, 'Enabled');
    await a.lambda.send(new UpdateEventSourceMappingCommand({ UUID: second.UUID!, BatchSize: 7 }));
    await eventually(async () => ((await stateOf(b.lambda, second.UUID!)).BatchSize === 7 ? true : undefined), 30_000);

    await stop(a.svc);
    await stop(b.svc);
    const c = await start();
    try {
      expect((await untilState(c.lambda, uuid, 'Enabled')).BatchSize).toBe(4);
      await bed.send(q, ['restart-1', 'restart-2']);
      await bed.send(q2, ['restart-3']);
      await eventually(() => Promise.resolve(bodiesSeen('restart-').size === 3 ? true : undefined), 30_000);
      await c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: second.UUID! }));
      await eventually(async () => {
        const l = await c.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: q2.arn }));
        return l.EventSourceMappings?.length === 0 ? true : undefined;
      }, 30_000);
    } finally {
      await stop(c.svc);
    }
  });
});
