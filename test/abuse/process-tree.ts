// Memory of a process and its descendants (Linux /proc), for probes that bound the service's footprint.
import { readFileSync, readdirSync } from 'node:fs';

export interface TreeMemory {
  /** Resident memory of the service process alone, MB. */
  serviceRssMb: number;
  /** Sum of resident memory over the tree, MB (counts shared pages of the node binary once per process). */
  treeRssMb: number;
  /** Proportional set size over the tree, MB: shared pages split between the processes sharing them. */
  treePssMb: number;
  processes: number;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

function kb(text: string | undefined, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : 0;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const pending = [pid];
  for (let p = pending.pop(); p !== undefined; p = pending.pop()) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      for (const c of (read(`/proc/${p}/task/${t}/children`) ?? '').split(' ').filter(Boolean)) {
        out.push(Number(c));
        pending.push(Number(c));
      }
    }
  }
  return out;
}

export function treeMemory(pid: number): TreeMemory {
  const all = [pid, ...descendants(pid)];
  let rss = 0;
  let pss = 0;
  for (const p of all) {
    rss += kb(read(`/proc/${p}/status`), 'VmRSS');
    pss += kb(read(`/proc/${p}/smaps_rollup`), 'Pss');
  }
  return {
    serviceRssMb: kb(read(`/proc/${pid}/status`), 'VmRSS') / 1024,
    treeRssMb: rss / 1024,
    treePssMb: pss / 1024,
    processes: all.length,
  };
}
