// The Go conformance handler (test/fixtures/runtimes/go, aws-lambda-go from the Go module proxy) built once into the
// cache as an executable `bootstrap`, keyed by the sources' hash so an edit rebuilds it. Needs `go` 1.21+ on PATH.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { installOnce } from './install-once.js';
import { cacheDir } from './paths.js';

const run = promisify(execFile);
const SOURCE = path.resolve('test/fixtures/runtimes/go');

/** Resolves to the directory holding `bootstrap` (a provided.al2023 function's CodeUri). */
export function buildGoBootstrap(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(SOURCE, f)));
  const dir = path.join(cacheDir(), `go-conformance-${hash.digest('hex').slice(0, 12)}`);
  return installOnce(dir, async (out) => {
    try {
      await run('go', ['build', '-o', path.join(out, 'bootstrap'), '.'], {
        cwd: SOURCE,
        env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-mod=mod -buildvcs=false' },
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`Go conformance bootstrap could not be built: ${e.message}\n${e.stderr ?? ''}`, { cause: err });
    }
  });
}
