// Python venvs with pinned packages from PyPI in the cache ($SLUICE_CACHE_DIR, else .cache/, git-ignored), installed
// once and shared by parallel runs. Install failures throw with pip's output: a test that needs the venv fails
// loudly rather than skipping.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { installOnce } from './install-once.js';
import { cacheDir } from './paths.js';

const run = promisify(execFile);

/** The official Python runtime interface client (RT-17), pinned. */
export const AWSLAMBDARIC_VERSION = '4.2.2';

/** Idempotent install of venv `<dirName>` with `requirements`, checked by running `check` from its bin/. */
export function installPythonVenv(dirName: string, requirements: string[], check: string[]): Promise<string> {
  return installOnce(path.join(cacheDir(), dirName), async (dir) => {
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
  });
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
