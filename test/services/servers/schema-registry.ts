// A Confluent-compatible schema registry for the Kafka SchemaRegistryConfig tests: franz-go's srfake (Go module
// proxy; Apicurio's and Confluent's servers cannot be fetched from the reachable registries) built once into the cache
// from test/fixtures/schema-registry, keyed by the sources' hash. It checks HTTP basic auth with the credentials in
// its info, so the BASIC_AUTH path is exercised for real.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { installOnce } from '../install-once.js';
import { cacheDir } from '../paths.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { ensureCommand } from '../system.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

const run = promisify(execFile);
const SOURCE = path.resolve('test/fixtures/schema-registry');
const USER = 'sluice';
const PASSWORD = 'sluice-registry-secret';

let binary: string | undefined;

function buildDir(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(SOURCE, f)));
  return path.join(cacheDir(), `schema-registry-${hash.digest('hex').slice(0, 12)}`);
}

export const schemaRegistry: ServerDef<'schemaregistry'> = {
  name: 'schemaregistry',
  title: 'Schema registry (franz-go srfake)',
  async install() {
    await ensureCommand('go', ['golang-go']);
    const dir = await installOnce(buildDir(), async (out) => {
      try {
        await run('go', ['build', '-o', path.join(out, 'schema-registry'), '.'], {
          cwd: SOURCE,
          env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -buildvcs=false' },
          timeout: 10 * 60_000,
          maxBuffer: 16 * 1024 * 1024,
        });
      } catch (err) {
        const e = err as Error & { stderr?: string };
        throw new Error(`schema registry could not be built: ${e.message}\n${e.stderr ?? ''}`, { cause: err });
      }
    });
    binary = path.join(dir, 'schema-registry');
  },
  async start({ dataDir, background }) {
    if (!binary) await this.install();
    const port = await freePort();
    const proc = spawnServer({
      name: 'schemaregistry',
      command: binary!,
      args: ['-addr', `127.0.0.1:${port}`, '-user', USER, '-password', PASSWORD],
      dataDir,
      background,
    });
    const info = { url: `http://127.0.0.1:${port}`, username: USER, password: PASSWORD };
    await waitReady(proc, () => this.probe(info), 30_000);
    return { info, proc };
  },
  async probe(info) {
    const auth = Buffer.from(`${info.username}:${info.password}`).toString('base64');
    const res = await fetch(`${info.url}/subjects`, { headers: { authorization: `Basic ${auth}` } });
    if (!res.ok) throw new Error(`schema registry answered ${res.status}`);
  },
};
