// CPU time of processes from /proc (Linux): a process's utime + stime, a process tree, and the process that listens
// on a TCP port. The benchmark reads it for the built services of the scale curves and for the servers (emulators)
// under the SQS/Kinesis/DynamoDB rows, whose CPU shows whether the server rather than sluice is the bound.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime in clock ticks from a /proc/<pid>/stat text (fields 14 and 15; comm may hold spaces and parens). */
export function parseStatCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return ticks;
}

/** utime + stime of a process in ms. */
export function cpuMs(pid: number): number {
  return (parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicks) * 1000;
}

/** `pid` and its descendants (child processes a service started, e.g. its workers), from /proc. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const t of tasks) {
      try {
        const kids = readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').trim();
        if (kids !== '') out.push(...kids.split(/\s+/).map(Number));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

/** CPU ms of a process tree; a process gone meanwhile counts 0. */
export function treeCpuMs(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += cpuMs(pid);
    } catch {
      // exited
    }
  }
  return sum;
}

/** Socket inodes listening on `port` in a /proc/net/tcp or tcp6 text (state 0A = LISTEN). */
export function listeningInodes(netTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const line of netTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== '0A') continue;
    if (f[1]!.split(':')[1] === hexPort) out.push(f[9]!);
  }
  return out;
}

/** The pid of the process listening on a local TCP port, found through its socket's inode; undefined if none. */
export function listeningPid(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const i of listeningInodes(readFileSync(file, 'utf8'), port)) inodes.add(i);
    } catch {
      // no IPv6, or not Linux
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/**
 * CPU of a process tree (a server under a benchmark) summed over several timed windows: `measure` around each window
 * of one side, `percent()` = its CPU time over their wall time (100 = one core busy).
 */
export class TreeCpuMeter {
  private cpuMs = 0;
  private topThreadMs = 0;
  private machineMs = 0;
  private wallMs = 0;

  constructor(readonly pid: number) {}

  async measure<T>(work: () => Promise<T>): Promise<T> {
    const pids = processTree(this.pid);
    const c0 = treeCpuMs(pids);
    const threads0 = threadCpuMs(pids);
    const machine = machineCpu();
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      const ms = performance.now() - t0;
      this.wallMs += ms;
      this.machineMs += ((machine() ?? Number.NaN) / 100) * ms;
      this.cpuMs += treeCpuMs(pids) - c0;
      this.topThreadMs += busiestThreadMs(threads0, threadCpuMs(pids));
    }
  }

  percent(): number | undefined {
    return this.wallMs > 0 ? (this.cpuMs / this.wallMs) * 100 : undefined;
  }

  /** Every core's busy time over the same windows (% of one core): the server, the client and anything else. */
  machinePercent(): number | undefined {
    return this.wallMs > 0 ? (this.machineMs / this.wallMs) * 100 : undefined;
  }

  /** The busiest single thread of each window (an event loop, an actor's dispatcher), as % of one core. */
  topThreadPercent(): number | undefined {
    return this.wallMs > 0 ? (this.topThreadMs / this.wallMs) * 100 : undefined;
  }
}

/** CPU ms of every thread of `pids`, keyed pid/tid. */
function threadCpuMs(pids: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const ticks = parseStatCpuTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        out.set(`${pid}/${tid}`, (ticks / clockTicks) * 1000);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

/** The largest CPU growth of one thread between two readings (a thread born meanwhile counts from 0). */
export function busiestThreadMs(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): number {
  let top = 0;
  for (const [id, ms] of after) top = Math.max(top, ms - (before.get(id) ?? 0));
  return top;
}

/** % of one core, per side. */
export interface SidesCpu {
  sluice?: number;
  raw?: number;
}

/** A server's CPU per side from its meters: the whole process tree, and its busiest thread. */
export function serverCpuOf(meters: { sluice: TreeCpuMeter; raw: TreeCpuMeter } | undefined): ServerCpu {
  return {
    total: { sluice: meters?.sluice.percent(), raw: meters?.raw.percent() },
    topThread: { sluice: meters?.sluice.topThreadPercent(), raw: meters?.raw.topThreadPercent() },
    machine: { sluice: meters?.sluice.machinePercent(), raw: meters?.raw.machinePercent() },
  };
}

export interface ServerCpu {
  total: SidesCpu;
  topThread: SidesCpu;
  /** The whole machine (% of one core; 100 × cores = every core busy, by anything). */
  machine?: SidesCpu;
}

/** What bound a side: the server (a core busy, or its busiest thread), the client process, or neither (waiting). */
export function boundBy(serverTotal?: number, serverTopThread?: number, client?: number): string {
  if (serverTotal === undefined || client === undefined) return '?';
  const server = Math.max(serverTotal, serverTopThread ?? 0);
  if (server >= 90 && client < server) return 'server';
  if (client >= 90) return 'client';
  return 'neither';
}

/**
 * The row params that show what bound a side: the server's CPU (whole process and busiest thread) and the benchmark
 * process's CPU (the side itself) while each side drained the backlog. `serverCpu` is the README's short note, e.g.
 * "ElasticMQ CPU 99 % / 98 % (sluice / raw), busiest thread 60 % / 58 %, bench process 45 % / 50 %: server-bound".
 * The server near a core while the client idles is the server's limit; neither near a core is waiting on round trips.
 */
export function serverCpuParams(server: string, cpu: ServerCpu, processPct: SidesCpu): Record<string, string> {
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '?' : `${Math.round(v)} %`);
  const pair = (v: SidesCpu) => `${pct(v.sluice)} / ${pct(v.raw)}`;
  const by = (['sluice', 'raw'] as const).map((s) => boundBy(cpu.total[s], cpu.topThread[s], processPct[s]));
  const verdict =
    by[0] === by[1]
      ? { server: 'server-bound', client: 'client-bound', neither: 'neither saturated (round trips)', '?': '' }[by[0]!]
      : `sluice ${by[0]}-bound, raw ${by[1]}-bound`;
  // Every core busy (by anything, e.g. a neighbour's benchmark): no side had a core to itself.
  const full = availableParallelism() * 90;
  const saturated = cpu.machine !== undefined && (cpu.machine.sluice ?? 0) >= full && (cpu.machine.raw ?? 0) >= full;
  return {
    serverCpu:
      `${server} CPU ${pair(cpu.total)} (sluice / raw), busiest thread ${pair(cpu.topThread)}, ` +
      `bench process ${pair(processPct)}` +
      (cpu.machine ? `, machine ${pair(cpu.machine)} of ${availableParallelism() * 100} %` : '') +
      (verdict ? `: ${verdict}` : '') +
      (saturated ? '; every core busy' : ''),
    serverCpuSluice: pct(cpu.total.sluice),
    serverCpuRaw: pct(cpu.total.raw),
    serverTopThreadSluice: pct(cpu.topThread.sluice),
    serverTopThreadRaw: pct(cpu.topThread.raw),
    boundBy: `${by[0]} / ${by[1]}`,
  };
}

/** Busy and total clock ticks of all cores from /proc/stat (its first, "cpu", line; idle + iowait = not busy). */
export function parseMachineTicks(procStat: string): { busy: number; total: number } {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

/**
 * Busy CPU of the whole machine between two /proc/stat readings, as % of one core (200 = both cores of two busy):
 * what else ran beside the measured processes shows as the difference.
 */
export function machineCpu(): () => number | undefined {
  const read = () => {
    try {
      return parseMachineTicks(readFileSync('/proc/stat', 'utf8'));
    } catch {
      return undefined;
    }
  };
  const a = read();
  return () => {
    const b = read();
    if (a === undefined || b === undefined || b.total <= a.total) return undefined;
    return ((b.busy - a.busy) / (b.total - a.total)) * availableParallelism() * 100;
  };
}
