// #21 shard inspection on a Redis stream (real Redis): `lag.records` is what the consumer group has not processed
// yet (XINFO GROUPS lag + pending): all of it while the function fails, 0 once it succeeds.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import type { OwnedShardView } from '../../../src/app/shard-control.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, redis, servers, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

it('#21 a Redis stream shard shows its lag (entries not yet delivered plus pending): 4 while the function fails, 0 once it succeeds', async () => {
  const key = uniqueName('lag');
  const client = redis();
  for (let i = 0; i < 4; i++) await client.xadd(key, '*', 'n', String(i));
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-lag-'));
  const log = path.join(dir, 'handled.log');
  const fail = path.join(dir, 'FAIL');
  writeFileSync(fail, '');
  const handled = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  const uuid = randomUUID();
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: { redis: { type: 'redis', url: servers().redis.url } },
      functions: {
        fn: {
          Handler: 'handlers.handler',
          CodeUri: path.resolve('test/fixtures/redrive'),
          Environment: { Variables: { REDRIVE_LOG: log, REDRIVE_FAIL: fail } },
        },
      },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'fn',
          EventSourceArn: `redis://${key}`,
          StartingPosition: 'TRIM_HORIZON',
          MaximumRetryAttempts: -1,
        },
      ],
    }),
    'lag.json',
  );
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  const url = `http://127.0.0.1:${app.address().port}/sluice/mappings/${uuid}/shards`;
  const shard = async () => ((await (await fetch(url)).json()) as { shards: OwnedShardView[] }).shards[0];
  try {
    await expect.poll(async () => (await shard())?.lag?.records, { timeout: 30_000, interval: 100 }).toBe(4);
    rmSync(fail); // the function succeeds from now on
    await expect.poll(async () => (await shard())?.lag?.records, { timeout: 30_000, interval: 100 }).toBe(0);
    expect(handled()).toHaveLength(4);
  } finally {
    await app.stop('test');
    await client.del(key);
  }
}, 60_000);
