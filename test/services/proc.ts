import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A server child process; it leads its own process group so stop() can take down everything it started. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited (only known for processes this Node process spawned). */
  exited(): { code: number | null; signal: string | null } | undefined;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Keep running after this Node process exits (services:up). Otherwise the kernel kills it with us. */
  background?: boolean;
  /** Runs after stop() once the process group is gone (e.g. to keep a JVM class-data archive it wrote). */
  afterStop?: () => void;
}

const live = new Set<number>();
let exitHookInstalled = false;

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const setprivAvailable = hasSetpriv();

export function spawnServer(opts: SpawnOptions): ServerProcess {
  const logFile = path.join(opts.dataDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  // PR_SET_PDEATHSIG via setpriv: if the test runner dies (even by SIGKILL), its servers die too — no orphans.
  const [command, args] =
    !opts.background && setprivAvailable
      ? ['setpriv', ['--pdeathsig', 'KILL', '--', opts.command, ...opts.args]]
      : [opts.command, opts.args];
  const child = spawn(command, args, {
    cwd: opts.dataDir,
    env: { ...process.env, ...opts.env },
    detached: true, // own process group (setsid)
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${opts.name}: could not spawn ${opts.command}`);
  let exit: { code: number | null; signal: string | null } | undefined;
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    live.delete(pid);
  });
  if (opts.background) {
    child.unref();
  } else {
    live.add(pid);
    installExitHook();
  }
  return {
    name: opts.name,
    pid,
    logFile,
    exited: () => (spawnError ? { code: -1, signal: spawnError.message } : exit),
    stop: async () => {
      await stopProcessGroup(pid);
      live.delete(pid);
      try {
        opts.afterStop?.();
      } catch {
        // best effort: a cache we could not keep is rebuilt next time
      }
    },
  };
}

/** Last resort on any exit of the runner: SIGKILL what is still running (synchronous, so it works in 'exit'). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** True while any process of the group is alive (zombies do not count: nobody may reap them in a container). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pgid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z') return false;
  } catch {
    // leader gone but other members alive
  }
  return true;
}

/** SIGTERM the whole group, wait for a clean exit, SIGKILL after the grace period. */
export async function stopProcessGroup(pgid: number, graceMs = 10_000): Promise<void> {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        return;
      }
      await sleepMs(100);
      if (!groupAlive(pgid)) return;
    }
    await sleepMs(50);
  }
}

export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
