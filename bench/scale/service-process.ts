// The built service as a child process for the curves that measure whole processes (idle mappings, processes):
// a free port, /readyz, and memory read from /proc/<pid> (CPU: bench/lib/proc-cpu.ts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT = join(ROOT, 'dist/src/main.js');

/** Whether the built service's `start` knows `option` (e.g. --workers, once it lands). */
export function startSupports(option: string): boolean {
  try {
    const help = execFileSync(process.execPath, [BUILT, 'start', '--help'], { cwd: ROOT, encoding: 'utf8' });
    return help.includes(option);
  } catch {
    return false;
  }
}

export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitReady(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sluice exited ${child.exitCode}: ${stderr().slice(-2000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`sluice not ready within 60 s: ${stderr().slice(-2000)}`);
}

/** `node dist/src/main.js start --config <file> [...extra]`, else src/main.ts through tsx. */
export function spawnService(configFile: string, extra: string[] = []): { child: ChildProcess; stderr: () => string } {
  const args = existsSync(BUILT)
    ? [BUILT, 'start', '--config', configFile, ...extra]
    : ['--import', 'tsx', join(ROOT, 'src/main.ts'), 'start', '--config', configFile, ...extra];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-10_000)));
  return { child, stderr: () => err };
}

/** SIGTERM, SIGKILL after 10 s; resolves once it exited. */
export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}
