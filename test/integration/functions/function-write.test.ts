// The write side of the Function API (FN-5..13, FN-15..18, FN-22..27) driven with @aws-sdk/client-lambda against
// a sluice with the memory state store: create from a zip made here, invoke, update code and configuration,
// delete, and Lambda's validation errors.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  ListTagsCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../services/inject.js';
import { decode, nodeZip, ROLE, startSluice, type Sluice } from './kit.js';

let sluice: Sluice;
beforeAll(async () => {
  sluice = await startSluice({ functions: { fromFile: { Handler: 'functions/hello.handler', CodeUri: 'config' } } });
});
afterAll(() => sluice.stop());

const name = () => uniqueName('fn').slice(0, 60);
const create = (input: Partial<CreateFunctionCommandInput> & { FunctionName: string }) =>
  sluice.client.send(
    new CreateFunctionCommand({
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: nodeZip('v1') },
      ...input,
    }),
  );
const active = (FunctionName: string) =>
  waitUntilFunctionActiveV2({ client: sluice.client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { FunctionName });
const updated = (FunctionName: string) =>
  waitUntilFunctionUpdatedV2({ client: sluice.client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { FunctionName });
const invoke = async (FunctionName: string, event: object = {}) =>
  decode((await sluice.client.send(new InvokeCommand({ FunctionName, Payload: JSON.stringify(event) }))).Payload);
const configuration = (FunctionName: string) =>
  sluice.client.send(new GetFunctionConfigurationCommand({ FunctionName }));

/** v1 writes `event.marker` when it starts, then takes a second and a half: an invocation that is surely in flight. */
const slowV1 = zipSync({
  'index.js': strToU8(
    `exports.handler = async (event) => {
      if (event.marker) {
        require('node:fs').writeFileSync(event.marker, 'started');
        await new Promise((r) => setTimeout(r, 1500));
      }
      return { version: 'v1' };
    };\n`,
  ),
});

describe('function lifecycle', () => {
  it('FN-5/FN-13 CreateFunction answers 201 Pending/Creating, becomes Active, and the function runs', async () => {
    const fn = name();
    const created = await create({ FunctionName: fn, Environment: { Variables: { GREETING: 'hi' } } });
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({
      FunctionName: fn,
      State: 'Pending',
      StateReasonCode: 'Creating',
      Runtime: 'nodejs22.x',
    });
    expect(created.LastUpdateStatus).toBeUndefined();
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await active(fn);
    expect(await invoke(fn, { name: 'GREETING' })).toEqual({ version: 'v1', env: 'hi' });
  });

  it('FN-22/FN-16 UpdateFunctionCode answers InProgress, then the new code answers', async () => {
    const fn = name();
    await create({ FunctionName: fn });
    await active(fn);
    expect(await invoke(fn)).toMatchObject({ version: 'v1' });
    const up = await sluice.client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: nodeZip('v2') }));
    expect(up.LastUpdateStatus).toBe('InProgress');
    await updated(fn);
    expect(await invoke(fn)).toMatchObject({ version: 'v2' });
  });

  it('FN-23 UpdateFunctionConfiguration replaces Environment whole and keeps what is omitted', async () => {
    const fn = name();
    await create({ FunctionName: fn, Environment: { Variables: { AA: '1', BB: '2' } }, Timeout: 7 });
    await active(fn);
    const up = await sluice.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { BB: 'two' } } }),
    );
    expect(up).toMatchObject({ LastUpdateStatus: 'InProgress', Timeout: 7, Environment: { Variables: { BB: 'two' } } });
    await updated(fn);
    expect(await invoke(fn, { name: 'BB' })).toMatchObject({ env: 'two' });
    expect(await invoke(fn, { name: 'AA' })).toMatchObject({ env: null });
  });

  it('FN-27 DeleteFunction answers 204, then the function is not found', async () => {
    const fn = name();
    await create({ FunctionName: fn });
    await active(fn);
    const del = await sluice.client.send(new DeleteFunctionCommand({ FunctionName: fn }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(invoke(fn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(sluice.client.send(new DeleteFunctionCommand({ FunctionName: fn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('FN-22 invocations in flight during UpdateFunctionCode finish on the old code; new ones get the new', async () => {
    const fn = name();
    await create({ FunctionName: fn, Code: { ZipFile: slowV1 } });
    await active(fn);
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'fn-inflight-')), 'started');
    const inFlight = invoke(fn, { marker });
    await expect.poll(() => existsSync(marker), { timeout: 30_000 }).toBe(true);
    await sluice.client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: nodeZip('v2') }));
    await updated(fn);
    expect(await invoke(fn)).toMatchObject({ version: 'v2' });
    expect(await inFlight).toEqual({ version: 'v1' });
  });

  it('FN-16 a failed update keeps the previous code and configuration live (InvalidRuntime, OPEN-5)', async () => {
    const fn = name();
    await create({ FunctionName: fn });
    await active(fn);
    await sluice.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: fn, Runtime: 'python3.12', Handler: 'app.handler' }),
    );
    await expect(updated(fn)).rejects.toThrow();
    expect(await configuration(fn)).toMatchObject({
      State: 'Active',
      LastUpdateStatus: 'Failed',
      LastUpdateStatusReasonCode: 'InvalidRuntime',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
    });
    expect(await invoke(fn)).toMatchObject({ version: 'v1' });
  });

  it('OPEN-2/FN-17 a package that cannot be unzipped ends Failed with InvalidZipFileException', async () => {
    const fn = name();
    await create({ FunctionName: fn, Code: { ZipFile: Buffer.from('not a zip') } });
    await expect(active(fn)).rejects.toThrow();
    expect(await configuration(fn)).toMatchObject({
      State: 'Failed',
      StateReasonCode: 'InvalidZipFileException',
      LastUpdateStatus: 'Failed',
    });
  });

  it('FN-7/FN-31 CreateFunction keeps its Tags; a deleted function takes them with it', async () => {
    const fn = name();
    const created = await create({ FunctionName: fn, Tags: { team: 'core' } });
    const Resource = created.FunctionArn!;
    expect((await sluice.client.send(new ListTagsCommand({ Resource }))).Tags).toEqual({ team: 'core' });
    await active(fn);
    await sluice.client.send(new DeleteFunctionCommand({ FunctionName: Resource }));
    await create({ FunctionName: fn });
    expect((await sluice.client.send(new ListTagsCommand({ Resource }))).Tags ?? {}).toEqual({});
    await expect(create({ FunctionName: name(), Tags: { 'aws:x': 'y' } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
  });
});
