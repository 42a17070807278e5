// Scenario l: Redis down or hung, without a restart of sluice.
// n1: a Redis Streams source whose (private) Redis is SIGKILLed: /readyz names the mapping; SIGTERM must still
//     end sluice within server.shutdownGraceSeconds (it used to run on for minutes); what was acknowledged stays so.
// n2: the state store's Redis is SIGSTOPped (hung, connections open): /readyz must turn 503 naming the state
//     store, Invoke (Event) must answer a 5xx Lambda error in bounded time instead of hanging, both recover on
//     SIGCONT, and SIGTERM while it is hung is bounded too.
import { afterAll, expect, it } from 'vitest';
import { makeRedis } from '../services/clients.js';
import { uniqueName } from '../services/inject.js';
import { FAULT_FIXTURES, Sluice, audit, readRecords, recordLog, steadyLoad, until } from './harness.js';
import { PrivateRedis } from './private-redis.js';

const GRACE_S = 5;
/** Shutdown may take the grace period plus closing what is still reachable; anything near a minute is a hang. */
const STOP_BOUND_MS = GRACE_S * 1000 + 10_000;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const recorderFn = (log: string) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Timeout: 3,
  Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '50' } },
});

async function timedStop(sluice: Sluice): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  const code = await sluice.stop(60_000);
  return { code, ms: Date.now() - t0 };
}

it('n1. SIGTERM while the Redis of a Redis Streams source is down ends within shutdownGraceSeconds; acked entries stay acked', async () => {
  const redis = await PrivateRedis.start();
  cleanups.push(() => redis.stop());
  const client = makeRedis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  cleanups.push(() => Promise.resolve(client.disconnect()));
  const key = uniqueName('faults-rs-down');
  const log = recordLog();
  const config = {
    server: { shutdownGraceSeconds: GRACE_S },
    connections: { redis: { type: 'redis', url: redis.url } },
    functions: { rec: recorderFn(log) },
    eventSourceMappings: [
      {
        UUID: '5d0c1f7e-6a4b-4c2d-9e8f-0a1b2c3d4e5f',
        FunctionName: 'rec',
        EventSourceArn: `redis://${key}`,
        Connection: 'redis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
      },
    ],
  };
  const sluice = await Sluice.start(config);
  cleanups.push(() => sluice.stop());
  const produced: string[] = [];
  await steadyLoad(40, 60, async (i) => {
    const id = `l1-${i}`;
    await client.xadd(key, '*', 'id', id);
    produced.push(id);
  });
  await until(
    () => (new Set(readRecords(log).map((h) => h.id)).size >= produced.length ? true : undefined),
    30_000,
    'all handled',
  );

  await redis.crash();
  const faultAtMs = Date.now();
  // Its next shard discovery (every 10 s) finds Redis gone: /readyz names the mapping with the error.
  const notReady = await until(
    async () => {
      const res = await fetch(`${sluice.url}/readyz`);
      const body = (await res.json()) as { mappingsNotRunning: Array<{ uuid: string; state: string; error?: string }> };
      return res.status === 503 && body.mappingsNotRunning.length > 0 ? body.mappingsNotRunning : undefined;
    },
    30_000,
    '/readyz names the mapping',
  );
  expect(notReady).toEqual([expect.objectContaining({ uuid: config.eventSourceMappings[0]!.UUID, state: 'retrying' })]);
  expect(notReady[0]!.error).toMatch(/PING/);
  const { code, ms } = await timedStop(sluice);
  expect(code).toBe(0);
  expect(ms).toBeLessThan(STOP_BOUND_MS);

  // Redis back (AOF): a new sluice finds nothing left to do; what was acked before the outage stays acked.
  await redis.up();
  const before = readRecords(log).length;
  await sluice.restart();
  await until(() => client.xadd(key, '*', 'id', 'l1-after').catch(() => undefined), 15_000, 'test client back');
  produced.push('l1-after');
  await until(() => (readRecords(log).some((h) => h.id === 'l1-after') ? true : undefined), 30_000, 'after handled');
  const replayed = readRecords(log)
    .slice(before)
    .filter((h) => h.id !== 'l1-after').length;
  const row = audit({
    scenario: 'n1. Redis Streams: SIGTERM while its Redis is down',
    produced,
    handled: readRecords(log),
    faultAtMs,
    settledAtMs: Date.now(),
    note: `SIGTERM → exit ${code} in ${(ms / 1000).toFixed(1)} s (grace ${GRACE_S} s); ${replayed} replayed after restart`,
  });
  expect(row.lost).toBe(0);
  expect(replayed).toBe(0);
  expect((await timedStop(sluice)).code).toBe(0);
}, 120_000);

it('n2. state store SIGSTOPped: /readyz 503 and Invoke answers ServiceException 500 in bounded time; both recover; SIGTERM bounded', async () => {
  const redis = await PrivateRedis.start();
  cleanups.push(() => redis.stop());
  const log = recordLog();
  const sluice = await Sluice.start({
    server: { shutdownGraceSeconds: GRACE_S },
    connections: { redis: { type: 'redis', url: redis.url } },
    state: { type: 'redis', connection: 'redis' },
    functions: { rec: recorderFn(log) },
  });
  cleanups.push(() => sluice.stop());
  const invokeEvent = async () => {
    const t0 = Date.now();
    const res = await fetch(`${sluice.url}/2015-03-31/functions/rec/invocations`, {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: JSON.stringify({ Records: [{ id: `l2-${t0}` }] }),
      signal: AbortSignal.timeout(60_000),
    });
    await res.arrayBuffer();
    return { status: res.status, type: res.headers.get('x-amzn-errortype'), ms: Date.now() - t0 };
  };
  const readyz = async () => {
    const res = await fetch(`${sluice.url}/readyz`, { signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: (await res.json()) as { stateStore?: string } };
  };
  expect((await readyz()).status).toBe(200);
  expect((await invokeEvent()).status).toBe(202);

  redis.pause();
  const faultAtMs = Date.now();
  const r = await readyz();
  expect(r.status).toBe(503);
  expect(r.body.stateStore).toBe('not answering');
  expect(Date.now() - faultAtMs).toBeLessThan(10_000);
  const refused = await invokeEvent();
  expect(refused.status).toBe(500);
  expect(refused.type).toBe('ServiceException');
  expect(refused.ms).toBeLessThan(15_000);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);

  redis.resume();
  await until(async () => ((await readyz()).status === 200 ? true : undefined), 30_000, 'ready again');
  const accepted = await invokeEvent();
  expect(accepted.status).toBe(202);
  await until(() => (readRecords(log).length >= 2 ? true : undefined), 30_000, 'events handled');

  redis.pause();
  const { code, ms } = await timedStop(sluice);
  redis.resume();
  audit({
    scenario: 'n2. state store (Redis) SIGSTOPped',
    produced: [],
    handled: [],
    faultAtMs,
    settledAtMs: Date.now(),
    note: `/readyz 503 at once; Invoke Event → ${refused.status} ${refused.type} in ${(refused.ms / 1000).toFixed(1)} s; SIGTERM while hung → exit ${code} in ${(ms / 1000).toFixed(1)} s`,
  });
  expect(code).toBe(0);
  expect(ms).toBeLessThan(STOP_BOUND_MS);
}, 120_000);
