import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { makeKinesisClient } from '../clients.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

const main = fileURLToPath(new URL('./kinesalite-main.js', import.meta.url));

export const kinesis: ServerDef<'kinesis'> = {
  name: 'kinesis',
  title: 'kinesalite 3.3.3 (Kinesis)',
  install() {
    // npm devDependency: present after `npm ci`; resolving it fails with a clear message otherwise.
    createRequire(import.meta.url).resolve('kinesalite');
    return Promise.resolve();
  },
  async start({ dataDir, background }) {
    const port = await freePort();
    const proc = spawnServer({
      name: 'kinesis',
      command: process.execPath,
      args: [main, String(port)],
      dataDir,
      background,
    });
    const info = { endpoint: `http://127.0.0.1:${port}` };
    await waitReady(proc, () => this.probe(info), 30_000);
    return { info, proc };
  },
  async probe(info) {
    const client = makeKinesisClient(info.endpoint, { maxAttempts: 1 });
    try {
      await client.send(new ListStreamsCommand({}));
    } finally {
      client.destroy();
    }
  },
};
