// The Function API writes behind authentication (#17 item 4, 5): the SDK signs CreateFunction/UpdateFunctionCode
// with a configured access key (SigV4) and the waiters pass; an unknown key is refused before anything is stored;
// server.api.readOnly turns every write off.
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../services/inject.js';
import { decode, nodeZip, ROLE, startSluice, type Sluice } from './kit.js';

const KEY = { accessKeyId: 'AKIDSLUICEFNWRITE', secretAccessKey: 'fnwrite-secret-0123456789' };
let signed: Sluice;
let readOnly: Sluice;
const others: LambdaClient[] = [];

beforeAll(async () => {
  signed = await startSluice({ server: { port: 0, auth: { accessKeys: [KEY] } } }, KEY);
  readOnly = await startSluice({ server: { port: 0, api: { readOnly: true } } });
});
afterAll(async () => {
  for (const c of others) c.destroy();
  await signed.stop();
  await readOnly.stop();
});

const createInput = (FunctionName: string) => ({
  FunctionName,
  Role: ROLE,
  Runtime: 'nodejs22.x' as const,
  Handler: 'index.handler',
  Code: { ZipFile: nodeZip('v1') },
});

describe('Function API writes with authentication', () => {
  it('AUTH-1/AUTH-11 SigV4-signed CreateFunction and UpdateFunctionCode work, and the waiters pass', async () => {
    const FunctionName = uniqueName('signed').slice(0, 60);
    const client = signed.client;
    await client.send(new CreateFunctionCommand(createInput(FunctionName)));
    const wait = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    await waitUntilFunctionActiveV2(wait, { FunctionName });
    await client.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: nodeZip('v2') }));
    await waitUntilFunctionUpdatedV2(wait, { FunctionName });
    const out = await client.send(new InvokeCommand({ FunctionName, Payload: '{}' }));
    expect(decode(out.Payload)).toMatchObject({ version: 'v2' });
    await client.send(new DeleteFunctionCommand({ FunctionName }));
  });

  it('AUTH-4 an unknown access key cannot create a function (UnrecognizedClientException)', async () => {
    const stranger = new LambdaClient({
      endpoint: `http://127.0.0.1:${signed.app.address().port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'nope-nope-nope-nope' },
      maxAttempts: 1,
    });
    others.push(stranger);
    const FunctionName = uniqueName('stranger').slice(0, 60);
    await expect(stranger.send(new CreateFunctionCommand(createInput(FunctionName)))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(signed.client.send(new InvokeCommand({ FunctionName }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('server.api.readOnly refuses CreateFunction with AccessDeniedException', async () => {
    await expect(
      readOnly.client.send(new CreateFunctionCommand(createInput(uniqueName('ro').slice(0, 60)))),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  });
});
