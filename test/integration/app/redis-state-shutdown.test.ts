// Regression: with state type redis, SIGTERM logged "sluice stopped" but the process never exited, because
// stopping the app never closed the Redis async queue's connection. Checked in-process: after stop() no
// connection of the app is left on the Redis server (CLIENT LIST, by the database the app selected).
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, redis, servers } from '../../services/inject.js';

afterAll(closeClients);

it('stop() closes the Redis connection of the async queue (state type redis), so the process can exit', async () => {
  const admin = redis();
  // An empty database: the fixed `{sluice:async}` keys meet no other test's, and its clients are the app's.
  let db = 15;
  for (; db >= 1; db--) {
    await admin.select(db);
    if ((await admin.dbsize()) === 0) break;
  }
  expect(db).toBeGreaterThan(0);
  await admin.select(0);
  const appClients = async () =>
    String(await admin.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => l.includes(` db=${db} `)).length;

  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: { redis: { type: 'redis', url: `${servers().redis.url}/${db}` } },
      state: { type: 'redis', connection: 'redis' },
    }),
    'redis-state-shutdown.json',
  );
  const app = await startApp(loaded.config!, createLogger('silent'));
  await expect.poll(appClients).toBeGreaterThan(0);
  await app.stop('test');
  await expect.poll(appClients).toBe(0);
});
