// Process helpers shared by every runtime that runs an environment as a child process.
import { existsSync, readFileSync } from 'node:fs';

/** util-linux setpriv (Linux), to tie each environment's life to the service's (`--pdeathsig KILL`). */
export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));

/** How often a child's resident memory is compared with its MemorySize. */
export const MEMORY_CHECK_MS = 50;

/** Resident set size of a process (Linux /proc); undefined where it cannot be read. */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
