// The AWS CLI v1 from PyPI for e2e tests: a Python venv in the cache ($SLUICE_CACHE_DIR, else .cache/, git-ignored)
// with a pinned awscli, installed once and shared by parallel runs (a lock directory). The CLI signs with botocore,
// the other SigV4 implementation clients use besides the JS SDK. Install failures throw with pip's output: a test
// that needs the CLI fails loudly rather than skipping.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths.js';

const run = promisify(execFile);

export const AWSCLI_VERSION = '1.46.3';

export const awsCliDir = () => path.join(cacheDir(), `awscli-${AWSCLI_VERSION}`);
const awsBin = () => path.join(awsCliDir(), 'bin', 'aws');
const marker = () => path.join(awsCliDir(), '.installed');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Idempotent install; resolves to the `aws` executable. Takes about a minute the first time. */
export async function installAwsCli(): Promise<string> {
  if (existsSync(marker())) return awsBin();
  const lock = `${awsCliDir()}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 10 * 60_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker())) return awsBin();
      // A lock older than the longest install is left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 10 * 60_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`AWS CLI install: ${lock} is held by another run for 10 minutes`);
      await sleep(1000);
    }
  }
  try {
    if (existsSync(marker())) return awsBin();
    rmSync(awsCliDir(), { recursive: true, force: true });
    const python = process.env.SLUICE_PYTHON ?? 'python3';
    const step = async (file: string, args: string[]) => {
      try {
        await run(file, args, { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
      } catch (err) {
        const e = err as Error & { stdout?: string; stderr?: string };
        throw new Error(
          `AWS CLI ${AWSCLI_VERSION} could not be installed (${file} ${args.join(' ')}): ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\n` +
            'It needs python3 (3.9+, with venv) and pip access to PyPI; set SLUICE_PYTHON for another interpreter.',
          { cause: err },
        );
      }
    };
    await step(python, ['-m', 'venv', awsCliDir()]);
    await step(path.join(awsCliDir(), 'bin', 'pip'), ['install', '--quiet', `awscli==${AWSCLI_VERSION}`]);
    await step(awsBin(), ['--version']);
    writeFileSync(marker(), `${AWSCLI_VERSION}\n`);
    return awsBin();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON; throws with stderr when the command failed. */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs `aws <args>` with only the environment given (plus PATH and a scratch HOME): no user config, credentials
 * or AWS_* variables of the machine leak in. Pass AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION etc.
 */
export async function awsCli(args: string[], env: Record<string, string> = {}): Promise<AwsCliResult> {
  const bin = await installAwsCli();
  const home = path.join(tmpdir(), 'sluice-awscli-home');
  mkdirSync(home, { recursive: true });
  const cleanEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_PAGER: '',
    AWS_DEFAULT_OUTPUT: 'json',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
  const done = await run(bin, args, { env: cleanEnv, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: Error & { code?: number | string; stdout?: string; stderr?: string }) => {
      if (typeof err.code !== 'number') throw err;
      return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    },
  );
  return {
    ...done,
    json<T>() {
      if (done.code !== 0) throw new Error(`aws ${args.join(' ')} exited with ${done.code}: ${done.stderr}`);
      return JSON.parse(done.stdout) as T;
    },
  };
}
