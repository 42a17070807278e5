import { execFileSync } from 'node:child_process';
import { makeRedis } from '../clients.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { ensureCommand } from '../system.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

export const redis: ServerDef<'redis'> = {
  name: 'redis',
  title: 'Redis',
  async install() {
    await ensureCommand('redis-server', ['redis-server']);
    const v = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1];
    if (v) this.title = `Redis ${v}`;
  },
  async start({ dataDir, background }) {
    const port = await freePort();
    // No persistence by default; `--dir` still points at the per-run dir so a test may enable it (CONFIG SET save).
    const proc = spawnServer({
      name: 'redis',
      command: 'redis-server',
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dataDir,
        '--daemonize',
        'no',
      ],
      dataDir,
      background,
    });
    const info = { url: `redis://127.0.0.1:${port}` };
    await waitReady(proc, () => this.probe(info), 30_000);
    return { info, proc };
  },
  async probe(info) {
    const client = makeRedis(info.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  },
};
