// Python venvs with pinned packages from PyPI in the cache ($SLUICE_CACHE_DIR, else .cache/, git-ignored), installed
// once and shared by parallel runs (a lock directory). Install failures throw with pip's output: a test that needs
// the venv fails loudly rather than skipping.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The official Python runtime interface client (RT-17), pinned. */
export const AWSLAMBDARIC_VERSION = '4.2.2';

/** Idempotent install of `<dirName>` with `requirements`; resolves to the venv's directory. */
export async function installPythonVenv(dirName: string, requirements: string[], check: string[]): Promise<string> {
  const dir = path.join(cacheDir(), dirName);
  const marker = path.join(dir, '.installed');
  if (existsSync(marker)) return dir;
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 10 * 60_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker)) return dir;
      // A lock older than the longest install is left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 10 * 60_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`${dirName} install: ${lock} is held by another run for 10 minutes`);
      await sleep(1000);
    }
  }
  try {
    if (existsSync(marker)) return dir;
    rmSync(dir, { recursive: true, force: true });
    const python = process.env.SLUICE_PYTHON ?? 'python3';
    const step = async (file: string, args: string[]) => {
      try {
        await run(file, args, { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
      } catch (err) {
        const e = err as Error & { stdout?: string; stderr?: string };
        throw new Error(
          `${dirName} could not be installed (${file} ${args.join(' ')}): ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\n` +
            'It needs python3 (3.9+, with venv) and pip access to PyPI; set SLUICE_PYTHON for another interpreter.',
          { cause: err },
        );
      }
    };
    await step(python, ['-m', 'venv', dir]);
    await step(path.join(dir, 'bin', 'pip'), ['install', '--quiet', ...requirements]);
    await step(path.join(dir, 'bin', check[0]!), check.slice(1));
    writeFileSync(marker, `${requirements.join('\n')}\n`);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A venv with awslambdaric; resolves to its python (config `runtimes.python.interpreter`). */
export async function installAwsLambdaRic(): Promise<string> {
  const dir = await installPythonVenv(
    `awslambdaric-${AWSLAMBDARIC_VERSION}`,
    [`awslambdaric==${AWSLAMBDARIC_VERSION}`],
    ['python', '-c', 'import awslambdaric'],
  );
  return path.join(dir, 'bin', 'python');
}
