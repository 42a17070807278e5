// FN-24/FN-25 at the operations level (no HTTP in between, so two updates really interleave): the loser of two
// concurrent updates is a ResourceConflictException, and a stale RevisionId a PreconditionFailedException.
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionApi } from '../../../../src/app/api-functions/operations.js';
import { FunctionRegistry } from '../../../../src/app/api-functions/registry.js';
import { createLogger } from '../../../../src/observability/logger.js';
import { MemoryFunctionStore } from '../../../../src/state/functions-memory.js';

const registries: FunctionRegistry[] = [];
afterEach(async () => {
  for (const r of registries.splice(0)) await r.stop();
});

async function setup(codeStorageBytes = 1024 * 1024) {
  const store = new MemoryFunctionStore();
  const registry = new FunctionRegistry({
    store,
    target: { configured: () => false, put: () => undefined, remove: () => undefined },
    region: 'us-east-1',
    accountId: '000000000000',
    logger: createLogger('silent'),
    stateDelayMs: 0,
    syncIntervalMs: 60_000,
  });
  registries.push(registry);
  await registry.start();
  const api = new FunctionApi({
    registry,
    store,
    configured: () => false,
    region: 'us-east-1',
    accountId: '000000000000',
    destinationProblem: () => undefined,
    codeStorageBytes,
  });
  return { store, api };
}

const zip = Buffer.from(zipSync({ 'index.js': strToU8('exports.handler = async () => 1;') })).toString('base64');

async function activeFunction(api: FunctionApi, store: MemoryFunctionStore): Promise<string> {
  await api.create({
    FunctionName: 'f',
    Role: 'arn:aws:iam::000000000000:role/r',
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Code: { ZipFile: zip },
  });
  await expect.poll(async () => (await store.get('f'))?.shown.State).toBe('Active');
  return (await store.get('f'))!.shown.RevisionId;
}

describe('FunctionApi code storage', () => {
  it('FN-10 packages beyond the code storage bound are CodeStorageExceededException; a delete frees room', async () => {
    const size = Buffer.from(zip, 'base64').length;
    const { api } = await setup(size + size / 2);
    const input = (FunctionName: string) => ({
      FunctionName,
      Role: 'arn:aws:iam::000000000000:role/r',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: zip },
    });
    await api.create(input('a'));
    await expect(api.create(input('b'))).rejects.toMatchObject({
      code: 'CodeStorageExceededException',
      statusCode: 400,
    });
    await api.delete('a', undefined);
    await expect(api.create(input('b'))).resolves.toMatchObject({ FunctionName: 'b' });
  });
});

describe('FunctionApi updates', () => {
  it('FN-24 of two interleaved updates one is applied and the other is a ResourceConflictException', async () => {
    const { api, store } = await setup();
    await activeFunction(api, store);
    const results = await Promise.allSettled([
      api.updateConfiguration('f', { Timeout: 5 }),
      api.updateConfiguration('f', { Timeout: 6 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'ResourceConflictException', statusCode: 409 });
  });

  it('FN-25 a stale RevisionId is a PreconditionFailedException', async () => {
    const { api, store } = await setup();
    const revision = await activeFunction(api, store);
    await api.updateConfiguration('f', { Timeout: 5, RevisionId: revision });
    await expect.poll(async () => (await store.get('f'))?.shown.LastUpdateStatus).toBe('Successful');
    await expect(api.updateConfiguration('f', { Timeout: 6, RevisionId: revision })).rejects.toMatchObject({
      code: 'PreconditionFailedException',
      statusCode: 412,
    });
  });
});
