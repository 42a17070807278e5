// moto server (PyPI) for the S3, SNS and EventBridge destinations (#22): a pinned venv in the cache, one process
// serving every AWS service on one dynamic loopback port (account 123456789012). Its SQS queues receive what SNS
// subscriptions and EventBridge rule targets deliver, so tests read deliveries back on the same server.
import path from 'node:path';
import { freePort } from '../ports.js';
import { spawnServer, type ServerProcess } from '../proc.js';
import { installPythonVenv } from '../python-venv.js';
import { cacheDir } from '../paths.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

export const MOTO_VERSION = '5.2.5';
const dirName = `moto-${MOTO_VERSION}`;

async function probe(info: { endpoint: string }): Promise<void> {
  const res = await fetch(`${info.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5000) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`moto answered ${res.status}`);
}

/**
 * Starts moto on `port` (default a free one) and waits until it answers. A test may start a private one on a port
 * it chose, to take a destination down and bring it back.
 */
export async function startMoto(
  dataDir: string,
  background = false,
  port?: number,
): Promise<{ info: { endpoint: string }; proc: ServerProcess }> {
  const p = port ?? (await freePort());
  const proc = spawnServer({
    name: 'moto',
    command: path.join(cacheDir(), dirName, 'bin', 'moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(p)],
    dataDir,
    background,
  });
  const info = { endpoint: `http://127.0.0.1:${p}` };
  await waitReady(proc, () => probe(info), 60_000);
  return { info, proc };
}

export const moto: ServerDef<'moto'> = {
  name: 'moto',
  title: `moto ${MOTO_VERSION} (S3, SNS, EventBridge)`,
  async install() {
    await installPythonVenv(dirName, [`moto[server]==${MOTO_VERSION}`], ['moto_server', '--help']);
  },
  start: ({ dataDir, background }) => startMoto(dataDir, background),
  probe,
};
