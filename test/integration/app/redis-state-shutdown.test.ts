// Regression: with state type redis, SIGTERM logged "sluice stopped" but the process never exited, because
// the Redis async queue's connection was never closed. Drives the BUILT service (`npm run build` first).
import { afterAll, expect, it } from 'vitest';
import { FIXTURES, startService } from '../../e2e/service.js';
import { closeClients, redis, servers } from '../../services/inject.js';

afterAll(closeClients);

/** An empty database, so the fixed `{sluice:async}` keys meet no other test's. */
async function emptyDb(): Promise<number> {
  const client = redis();
  for (let db = 15; db >= 1; db--) {
    await client.select(db);
    if ((await client.dbsize()) === 0) return db;
  }
  throw new Error('no empty Redis database in 1..15');
}

it('stops and exits on SIGTERM with state type redis (the async queue connection is closed)', async () => {
  const svc = await startService({
    connections: { redis: { type: 'redis', url: `${servers().redis.url}/${await emptyDb()}` } },
    state: { type: 'redis', connection: 'redis' },
    functions: { echo: { Handler: 'functions.echo', CodeUri: FIXTURES } },
  });
  const exited = svc.stop();
  const outcome = await Promise.race([
    exited,
    new Promise<string>((r) => setTimeout(() => r('still running after 15 s'), 15_000)),
  ]);
  if (outcome !== 0) svc.child.kill('SIGKILL');
  expect(outcome).toBe(0);
});
