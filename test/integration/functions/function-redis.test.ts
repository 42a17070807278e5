// API-created functions live in the Redis state store: they survive a restart, and a second sluice on the same
// Redis state picks them up (create, update, delete) without a restart (#17 item 1).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { closeClients, redis, servers, uniqueName } from '../../services/inject.js';
import { decode, nodeZip, ROLE, startSluice, untilInvocable, type Sluice } from './kit.js';

const prefix = uniqueName('fnapi');
const running: Sluice[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  const admin = redis();
  const keys = [...(await admin.keys(`${prefix}:*`)), ...(await admin.keys(`{${prefix}:*`))];
  if (keys.length > 0) await admin.del(...keys);
  await closeClients();
});

async function start(tuning: Record<string, number> = {}): Promise<Sluice> {
  const s = await startSluice({
    connections: { redis: { type: 'redis', url: servers().redis.url } },
    state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
    tuning: { functionSyncIntervalMs: 200, ...tuning },
  });
  running.push(s);
  return s;
}

async function stop(s: Sluice): Promise<void> {
  running.splice(running.indexOf(s), 1);
  await s.stop();
}

const invoke = async (s: Sluice, FunctionName: string) =>
  decode((await s.client.send(new InvokeCommand({ FunctionName, Payload: '{}' }))).Payload);
const errorName = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.name,
  );

describe('functions in the Redis state store', () => {
  it('a second instance on the same Redis runs, updates and drops a function created on the first', async () => {
    const a = await start();
    const b = await start();
    const FunctionName = uniqueName('shared').slice(0, 60);
    await a.client.send(
      new CreateFunctionCommand({
        FunctionName,
        Role: ROLE,
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Code: { ZipFile: nodeZip('v1') },
      }),
    );
    expect(await untilInvocable(b.client, FunctionName)).toMatchObject({ version: 'v1' });
    await untilInvocable(a.client, FunctionName);
    await a.client.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: nodeZip('v2') }));
    await expect.poll(async () => invoke(b, FunctionName), { timeout: 30_000 }).toMatchObject({ version: 'v2' });
    await a.client.send(new DeleteFunctionCommand({ FunctionName }));
    await expect.poll(() => errorName(invoke(b, FunctionName)), { timeout: 30_000 }).toBe('ResourceNotFoundException');
  });

  it('an API-created function survives a restart of sluice', async () => {
    const first = await start();
    const FunctionName = uniqueName('kept').slice(0, 60);
    await first.client.send(
      new CreateFunctionCommand({
        FunctionName,
        Role: ROLE,
        Runtime: 'nodejs22.x',
        Handler: 'lib/main.handler',
        Code: {
          ZipFile: nodeZip('unused', { 'lib/main.js': 'exports.handler = async () => ({ version: "kept" });\n' }),
        },
      }),
    );
    expect(await untilInvocable(first.client, FunctionName)).toEqual({ version: 'kept' });
    await stop(first);
    const again = await start();
    expect(await invoke(again, FunctionName)).toEqual({ version: 'kept' });
  });

  it('OPEN-2 a create whose instance stopped before settling it is settled by another instance', async () => {
    // The creating instance keeps it Pending for a minute, and stops (a crash, for this function) before then.
    const creator = await start({ functionStateDelayMs: 60_000 });
    const other = await start();
    const FunctionName = uniqueName('orphan').slice(0, 60);
    await creator.client.send(
      new CreateFunctionCommand({
        FunctionName,
        Role: ROLE,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: nodeZip('adopted') },
      }),
    );
    await stop(creator);
    await expect.poll(() => errorName(invoke(other, FunctionName))).toBe('ResourceConflictException');
    expect(await untilInvocable(other.client, FunctionName, 90_000)).toMatchObject({ version: 'adopted' });
  }, 120_000);
});
