// What the operator-control integration tests share: a handled-records log written by test/fixtures/shards, and a
// sluice started in-process from a config object.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';

export const SHARD_FIXTURES = path.resolve('test/fixtures/shards');

export function handledLog(): { log: string; handled: () => string[] } {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-shards-')), 'handled.log');
  return { log, handled: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

export async function startShardsApp(config: object): Promise<App> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'shards.json');
  expect(loaded.problems).toEqual([]);
  return startApp(loaded.config!, createLogger('silent'));
}
