// Starts the built service (dist/) as a child process on a free port and drives it over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const MAIN = path.resolve('dist/src/main.js');
export const FIXTURES = path.resolve('test/fixtures/e2e');

export interface Service {
  url: string;
  /** The config file it runs with. */
  file: string;
  logs: string[];
  child: ChildProcess;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export async function writeConfig(config: object): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-e2e-'));
  const file = path.join(dir, 'sluice.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function startService(config: object, extraArgs: string[] = []): Promise<Service> {
  const file = await writeConfig({ server: { port: 0 }, ...config });
  // One process unless a test asks for more: with Redis state the default is one per core (--workers), and
  // the tests that SIGKILL "the service" mean one process.
  const workers = extraArgs.some((a) => a.startsWith('--workers')) ? [] : ['--workers', '1'];
  const child = spawn(process.execPath, [MAIN, 'start', '--config', file, ...workers, ...extraArgs], {
    env: { ...process.env, SLUICE_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      logs.push(line);
      for (const l of listeners) l(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLog = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const hit = logs.find((l) => pattern.test(l));
      if (hit !== undefined) return resolve(hit);
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; logs:\n${logs.join('\n')}`));
      }, timeoutMs);
      const check = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(line);
      };
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        clearTimeout(timer);
        listeners.delete(check);
        reject(new Error(`sluice exited with ${code}; logs:\n${logs.join('\n')}`));
      });
    });
  const line = await waitForLog(/Invoke API listening/);
  const { port } = JSON.parse(line) as { port: number };
  await waitForLog(/sluice started/);
  return {
    url: `http://127.0.0.1:${port}`,
    file,
    logs,
    child,
    waitForLog,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls until `check` returns a value other than undefined (no fixed sleeps in tests). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
