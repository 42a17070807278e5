// state.keyPrefix: every Redis key a deployment writes (async queue, checkpoints, leases) starts with it, so two
// deployments can share one Redis database.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, redis, servers } from '../../services/inject.js';

afterAll(closeClients);

it('async events queue under {<keyPrefix>:async} keys', async () => {
  const admin = redis();
  const prefix = `t-${randomUUID()}`;
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: { redis: { type: 'redis', url: servers().redis.url } },
      state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
      functions: { hello: { Handler: 'functions/hello.handler', CodeUri: path.resolve('config') } },
    }),
    'redis-key-prefix.json',
  );
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  try {
    const { port } = app.address();
    const res = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/hello/invocations`, {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    await expect
      .poll(async () => (await admin.keys(`{${prefix}:async}*`)).length, { timeout: 15_000 })
      .toBeGreaterThan(0);
  } finally {
    await app.stop('test');
    const keys = await admin.keys(`{${prefix}:async}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
});
