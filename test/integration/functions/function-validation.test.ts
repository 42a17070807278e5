// Lambda's validation errors and state conflicts for the Function API writes (FN-6..12, FN-18, FN-24, FN-25,
// OPEN-2, OPEN-8), each through @aws-sdk/client-lambda (or raw HTTP where the SDK cannot send the request).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../services/inject.js';
import { hugeDeclaredZip, nodeZip, ROLE, startSluice, untilInvocable, type Sluice } from './kit.js';

let sluice: Sluice;
/** Writes stay Pending/InProgress for a while here (OPEN-2's delay), so conflicts can be seen. */
let slow: Sluice;
beforeAll(async () => {
  const functions = { fromFile: { Handler: 'functions/hello.handler', CodeUri: 'config' } };
  sluice = await startSluice({ functions });
  slow = await startSluice({ functions: {}, tuning: { functionStateDelayMs: 4000 } });
});
afterAll(async () => {
  await sluice.stop();
  await slow.stop();
});

const name = () => uniqueName('fn').slice(0, 60);
const input = (over: Partial<CreateFunctionCommandInput> = {}): CreateFunctionCommandInput => ({
  FunctionName: name(),
  Role: ROLE,
  Runtime: 'nodejs22.x',
  Handler: 'index.handler',
  Code: { ZipFile: nodeZip('v1') },
  ...over,
});
const create = (over: Partial<CreateFunctionCommandInput> = {}, on = sluice) =>
  on.client.send(new CreateFunctionCommand(input(over)));
const invalid = { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } };
const conflict = { name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } };

describe('CreateFunction validation', () => {
  it('FN-4 a FunctionName outside [a-zA-Z0-9-_]{1,64} is refused', async () => {
    await expect(create({ FunctionName: 'bad name!' })).rejects.toMatchObject(invalid);
    await expect(create({ FunctionName: 'x'.repeat(65) })).rejects.toMatchObject(invalid);
  });

  it('FN-6 Role must be an IAM role ARN; Runtime and Handler are required for Zip', async () => {
    await expect(create({ Role: 'lambda-role' })).rejects.toMatchObject(invalid);
    await expect(create({ Role: undefined })).rejects.toMatchObject(invalid);
    await expect(create({ Runtime: undefined })).rejects.toMatchObject(invalid);
    await expect(create({ Handler: undefined })).rejects.toMatchObject(invalid);
    await expect(create({ Handler: 'index handler' })).rejects.toMatchObject(invalid);
  });

  it('FN-7 Timeout is 1-900 s and MemorySize 128-10240 MB (OPEN-7)', async () => {
    for (const over of [{ Timeout: 0 }, { Timeout: 901 }, { MemorySize: 127 }, { MemorySize: 10241 }])
      await expect(create(over)).rejects.toMatchObject(invalid);
    const ok = await create({ Timeout: 900, MemorySize: 10240 });
    expect(ok).toMatchObject({ Timeout: 900, MemorySize: 10240 });
  });

  it('FN-8 a Runtime that is no Lambda identifier is refused', async () => {
    await expect(create({ Runtime: 'cobol85' as never })).rejects.toMatchObject(invalid);
  });

  it('FN-10 S3Bucket/S3Key and ImageUri are refused: only ZipFile is supported here', async () => {
    await expect(create({ Code: { S3Bucket: 'b', S3Key: 'k.zip' } })).rejects.toMatchObject(invalid);
    await expect(
      create({ Code: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/f:1' } }),
    ).rejects.toMatchObject(invalid);
  });

  it('FN-10 a package over 250 MB unzipped is refused with InvalidParameterValueException', async () => {
    const err = await create({ Code: { ZipFile: hugeDeclaredZip(262_144_001) } }).catch((e: unknown) => e);
    expect(err).toMatchObject(invalid);
    expect((err as Error).message).toMatch(/^Unzipped size must be smaller than 262144000 bytes/);
  });

  it('FN-10 a CreateFunction body over 69,905,067 bytes answers 413 RequestEntityTooLargeException', async () => {
    const res = await fetch(`http://127.0.0.1:${sluice.app.address().port}/2015-03-31/functions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(69_905_068, 0x20),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(((await res.json()) as { message: string }).message).toMatch(
      /^Request must be smaller than 69905067 bytes for the CreateFunction operation/,
    );
  });

  it('FN-11 environment variables over 4 KB (OPEN-4) or with a reserved key (RT-15) are refused', async () => {
    const big = { BIG: 'x'.repeat(4096) };
    const err = await create({ Environment: { Variables: big } }).catch((e: unknown) => e);
    expect(err).toMatchObject(invalid);
    expect((err as Error).message).toMatch(/exceeded the 4KB limit/);
    await expect(create({ Environment: { Variables: { AWS_REGION: 'eu-west-1' } } })).rejects.toMatchObject(invalid);
    await expect(create({ Environment: { Variables: { '1ABC': 'x' } } })).rejects.toMatchObject(invalid);
    // Exactly 4096 bytes of compact JSON is accepted.
    const exact = { VALUE: 'y'.repeat(4096 - '{"VALUE":""}'.length) };
    await expect(create({ Environment: { Variables: exact } })).resolves.toMatchObject({ State: 'Pending' });
  });

  it('FN-12 a name already used, over the API or in the config file, is a ResourceConflictException', async () => {
    const first = await create();
    await expect(create({ FunctionName: first.FunctionName })).rejects.toMatchObject(conflict);
    await expect(create({ FunctionName: 'fromFile' })).rejects.toMatchObject(conflict);
  });
});

describe('what sluice does not support is refused, not dropped', () => {
  it('FN-13 Publish true is refused (sluice runs $LATEST only), on create and on code update', async () => {
    await expect(create({ Publish: true })).rejects.toMatchObject(invalid);
    const fn = await create();
    await untilInvocable(sluice.client, fn.FunctionName!);
    await expect(
      sluice.client.send(
        new UpdateFunctionCodeCommand({ FunctionName: fn.FunctionName, ZipFile: nodeZip('v2'), Publish: true }),
      ),
    ).rejects.toMatchObject(invalid);
  });

  it('FN-7 Layers are refused', async () => {
    await expect(create({ Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:deps:1'] })).rejects.toMatchObject(
      invalid,
    );
  });
});

describe('states and preconditions', () => {
  it('OPEN-2/FN-17 a package that is not a zip ends Failed (InvalidZipFileException) and cannot be invoked', async () => {
    const fn = await create({ Code: { ZipFile: Buffer.from('not a zip at all') } });
    expect(fn.State).toBe('Pending');
    await expect
      .poll(async () =>
        sluice.client.send(new InvokeCommand({ FunctionName: fn.FunctionName })).catch((e: Error) => e.message),
      )
      .toMatch(/currently in the following state: Failed/);
  });

  it('OPEN-5 a runtime sluice cannot start ends Failed (InvalidRuntime)', async () => {
    const fn = await create({ Runtime: 'python3.12', Handler: 'app.handler' });
    await expect
      .poll(async () =>
        sluice.client.send(new InvokeCommand({ FunctionName: fn.FunctionName })).catch((e: Error) => e.message),
      )
      .toMatch(/currently in the following state: Failed/);
  });

  it('FN-18 invoking a Pending function is a 409 ResourceConflictException', async () => {
    const fn = await create({}, slow);
    await expect(slow.client.send(new InvokeCommand({ FunctionName: fn.FunctionName }))).rejects.toMatchObject({
      ...conflict,
      message: expect.stringMatching(/currently in the following state: Pending/) as unknown,
    });
  });

  it('FN-24 updates while Pending or InProgress are ResourceConflictException', async () => {
    const fn = await create({}, slow);
    const FunctionName = fn.FunctionName;
    await expect(
      slow.client.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: nodeZip('v2') })),
    ).rejects.toMatchObject({ ...conflict, message: expect.stringMatching(/following state: 'Pending'/) as unknown });
    await untilInvocable(slow.client, FunctionName!);
    await slow.client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Timeout: 5 }));
    await expect(
      slow.client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Timeout: 6 })),
    ).rejects.toMatchObject({
      ...conflict,
      message: expect.stringMatching(/An update is in progress for resource: arn:aws:lambda:/) as unknown,
    });
  });

  it('FN-24 of two concurrent updates one is applied and the other is a ResourceConflictException', async () => {
    const fn = await create({}, slow);
    const FunctionName = fn.FunctionName;
    await untilInvocable(slow.client, FunctionName!);
    const results = await Promise.allSettled(
      [5, 6].map((Timeout) => slow.client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Timeout }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject(conflict);
  });

  it('FN-25 a stale RevisionId is a 412 PreconditionFailedException', async () => {
    const fn = await create();
    await untilInvocable(sluice.client, fn.FunctionName!);
    await expect(
      sluice.client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: fn.FunctionName,
          RevisionId: fn.RevisionId,
          Timeout: 9,
        }),
      ),
    ).rejects.toMatchObject({ name: 'PreconditionFailedException', $metadata: { httpStatusCode: 412 } });
  });

  it('OPEN-8 DeleteFunction with Qualifier $LATEST is refused; config-file functions are not changed over the API', async () => {
    const fn = await create();
    await expect(
      sluice.client.send(new DeleteFunctionCommand({ FunctionName: fn.FunctionName, Qualifier: '$LATEST' })),
    ).rejects.toMatchObject(invalid);
    await expect(sluice.client.send(new DeleteFunctionCommand({ FunctionName: 'fromFile' }))).rejects.toMatchObject(
      invalid,
    );
    await expect(
      sluice.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fromFile', Timeout: 9 })),
    ).rejects.toMatchObject({ ...invalid, message: expect.stringMatching(/defined in the config file/) as unknown });
  });
});
