// Measurement helpers shared by the benchmark scenarios.
import { peakRssMb, resetPeakRss } from './proc-memory.js';
import type { Latency, ProcessCost } from './types.js';

/** p50/p99 of a list of millisecond samples (nearest-rank); NaN when there are none. */
export function quantiles(samplesMs: number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}

/**
 * Runs `work` and measures this process: CPU time over wall time (100 = one core busy) and the peak RSS (VmHWM,
 * reset before the work where the kernel allows). Benchmarks run sluice in-process, so this is the cost of the
 * sluice side (plus the benchmark's own driver).
 */
export async function withCost<T>(work: () => Promise<T>): Promise<{ value: T; cost: ProcessCost; ms: number }> {
  resetPeakRss();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await work();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuPercent = ms > 0 ? ((cpu.user + cpu.system) / 1000 / ms) * 100 : 0;
  const rssMb = peakRssMb() ?? process.memoryUsage.rss() / 2 ** 20;
  return { value, cost: { cpuPercent, rssMb }, ms };
}
