// Prometheus's promtool, built from the Go module proxy into the cache ($SLUICE_CACHE_DIR, else .cache/,
// git-ignored) once and shared by parallel runs (a lock directory). The /metrics test feeds sluice's exposition to
// `promtool check metrics`, the linter Prometheus ships. The first build takes several minutes (it compiles
// Prometheus); `npm run services:install` does it ahead of the tests.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths.js';

const run = promisify(execFile);

/** A Prometheus 3.x release (Go module versions are v0.<minor><patch>). */
export const PROMTOOL_MODULE_VERSION = 'v0.316.0';

const binDir = () => path.join(cacheDir(), `promtool-${PROMTOOL_MODULE_VERSION}`);
export const promtoolBin = () => path.join(binDir(), 'promtool');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Idempotent build; resolves to the `promtool` executable, throws with go's output when it cannot be built. */
export async function installPromtool(): Promise<string> {
  if (existsSync(promtoolBin())) return promtoolBin();
  const lock = `${binDir()}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 30 * 60_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(promtoolBin())) return promtoolBin();
      // A lock older than the longest build is left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 30 * 60_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`promtool build: ${lock} is held by another run for 30 minutes`);
      await sleep(1000);
    }
  }
  try {
    if (existsSync(promtoolBin())) return promtoolBin();
    const go = process.env.SLUICE_GO ?? 'go';
    const pkg = `github.com/prometheus/prometheus/cmd/promtool@${PROMTOOL_MODULE_VERSION}`;
    try {
      // go writes the binary last, so a half-built one never exists at promtoolBin().
      await run(go, ['install', pkg], {
        env: { ...process.env, GOBIN: binDir(), GOFLAGS: '-mod=mod' },
        timeout: 30 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `promtool could not be built (${go} install ${pkg}): ${e.message}\n${e.stderr ?? ''}\n` +
          'It needs Go (1.25+) and the Go module proxy; set SLUICE_GO for another go binary.',
        { cause: err },
      );
    }
    return promtoolBin();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface PromtoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `promtool check metrics` with `text` on stdin: exit 0 and no output when the exposition is clean. */
export async function promtoolCheckMetrics(bin: string, text: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, ['check', 'metrics'], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      if (code === -1) reject(err ?? new Error('promtool did not run'));
      else resolve({ code, stdout, stderr });
    });
    child.stdin?.end(text);
  });
}
