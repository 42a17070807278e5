// Helpers of the abuse suite: the service's memory (from /proc) and answer-time sampling.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak RSS) of a process, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Times `count` sequential GETs of `url` (ms each); every answer must be 200. */
export async function timeGets(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  }
  return times;
}

export const p = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

// Prints one answer time (ms) per line; the parent kills it when the load is over.
const PROBE_SOURCE = `
const url = process.argv[1];
(async () => {
  for (;;) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    process.stdout.write((res.status === 200 ? performance.now() - t0 : -1) + '\\n');
    await new Promise((r) => setTimeout(r, 10));
  }
})();`;

export interface Probe {
  /** Resolves once the probe's keep-alive connection is open and has answered once. */
  ready: Promise<void>;
  /** Stops the probe; the answer times (ms) after the first, -1 for a non-200 answer. */
  stop(): Promise<number[]>;
}

/**
 * GETs `url` every 10 ms from a separate process over one keep-alive connection, so neither the load the
 * test process generates nor the queue of new connections at the server delays the probes.
 */
export function startProbe(url: string): Probe {
  const child = spawn(process.execPath, ['-e', PROBE_SOURCE, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let firstLine: () => void = () => {};
  const ready = new Promise<void>((resolve) => (firstLine = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) firstLine();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    ready,
    async stop() {
      const before = out.split('\n').length;
      // At least one answer under load.
      while (out.split('\n').length <= before && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
      child.kill();
      await exited;
      return out
        .split('\n')
        .slice(1)
        .filter((l) => l !== '')
        .map(Number);
    },
  };
}
