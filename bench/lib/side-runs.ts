// The two measurements the Kafka and Redis scenarios make of each side (sluice, raw client): throughput over
// preloaded records, and produce-to-handler latency at a steady rate. A side reports records reaching its handler.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { quantiles, withCost } from './measure.js';
import { fromRounds, medianRound } from './stats.js';
import type { Latency, ProcessCost, Side } from './types.js';

/** Records reached the handler; `producedAt` (ms epoch, one per record) only when timing was asked for. */
export type OnRecords = (count: number, producedAt?: number[]) => void;

export interface RunningSide {
  /** When the consumer could start reading (group joined): the throughput clock starts here. */
  readyAt: bigint;
  stop(): Promise<void>;
}

export type StartSide = (onRecords: OnRecords, timed: boolean) => Promise<RunningSide>;

export interface ThroughputRun {
  rate: number;
  cost: ProcessCost;
  /** CPU time of this process per record, start-up included (less noisy than the rate on a shared machine). */
  cpuUsPerRecord: number;
}

/** Starts a side and waits until `total` records reached its handler; stopping it is not timed. */
export async function measureThroughput(start: StartSide, total: number): Promise<ThroughputRun> {
  const run = await withCost(async () => {
    let seen = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const side = await start((n) => {
      seen += n;
      if (seen >= total) done();
    }, false);
    await all;
    return { ms: Number(process.hrtime.bigint() - side.readyAt) / 1e6, side };
  });
  await run.value.side.stop();
  const cpuUsPerRecord = ((run.cost.cpuPercent / 100) * run.ms * 1000) / total;
  return { rate: (total / run.value.ms) * 1000, cost: run.cost, cpuUsPerRecord };
}

/**
 * Starts a side, then produces `rate` records/s for `seconds` (each call of `produce(n)` sends n records stamped
 * with the current time), and returns the quantiles of handler time minus produce time.
 */
export async function measureLatency(
  start: StartSide,
  produce: (n: number, from: number) => Promise<void>,
  rate: number,
  seconds: number,
): Promise<Latency> {
  const samples: number[] = [];
  const side = await start((_n, at) => {
    const now = Date.now();
    for (const t of at ?? []) samples.push(now - t);
  }, true);
  const want = Math.round(rate * seconds);
  const t0 = Date.now();
  for (let sent = 0; sent < want;) {
    // Keep to the schedule: rate × elapsed records by now.
    const due = Math.min(want, Math.round(((Date.now() - t0) / 1000) * rate));
    if (due > sent) {
      await produce(due - sent, sent);
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = Date.now() + 10_000;
  while (samples.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await side.stop();
  return quantiles(samples);
}

/** The sides of a comparison: a raw client loop and sluice, and for Kafka a second raw client. */
export type SideName = 'raw' | 'sluice' | 'rawPlatformatic' | 'rawEvent';

export interface Compared<S extends SideName = 'raw' | 'sluice'> {
  /** The median round of each side (its rate, CPU and RSS go together). */
  median: Record<S, ThroughputRun>;
  rounds: Record<S, ThroughputRun[]>;
}

/**
 * Alternates the sides for `rounds` rounds (the order flips every round) so warm-up and noise favour neither; the
 * median round of each counts.
 */
export async function compareThroughput<S extends SideName = 'raw' | 'sluice'>(
  sides: Record<S, StartSide>,
  total: number,
  rounds: number,
  progress: (message: string) => void,
  only?: readonly S[],
): Promise<Compared<S>> {
  const none: ThroughputRun = { rate: 0, cost: { cpuPercent: 0, rssMb: 0 }, cpuUsPerRecord: 0 };
  const names = (Object.keys(sides) as S[]).filter((n) => !only || only.includes(n));
  const runs = Object.fromEntries(names.map((n) => [n, [] as ThroughputRun[]])) as Record<S, ThroughputRun[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      progress(`throughput round ${round + 1}/${rounds}, ${name}`);
      runs[name].push(await profiled(`${name}-${round + 1}`, () => measureThroughput(sides[name], total)));
    }
  }
  const all = Object.keys(sides) as S[];
  return {
    median: Object.fromEntries(all.map((n) => [n, medianRound(runs[n] ?? []) ?? none])) as Record<S, ThroughputRun>,
    rounds: Object.fromEntries(all.map((n) => [n, runs[n] ?? []])) as Record<S, ThroughputRun[]>,
  };
}

/** A side of a row from its rounds: median rate with the spread, the median round's cost, and `latency`. */
export function sideOf(runs: readonly ThroughputRun[], latency?: Latency): Side {
  const m = medianRound(runs);
  return {
    ...fromRounds(runs.map((r) => r.rate)),
    ...(latency ? { latency } : {}),
    ...(m ? { cost: m.cost } : {}),
  };
}

/** Per-round figures for a row's params: each round's rate and CPU µs per record, space-separated. */
export function roundRates(runs: readonly ThroughputRun[]): string {
  return runs.map((r) => Math.round(r.rate)).join(' ');
}
export function roundCpu(runs: readonly ThroughputRun[]): string {
  return runs.map((r) => r.cpuUsPerRecord.toFixed(1)).join(' ');
}

/** The per-round params of a row comparing sluice's rounds with a raw side's. */
export function roundParams(raw: readonly ThroughputRun[], sluice: readonly ThroughputRun[]): Record<string, string> {
  return {
    rawRates: roundRates(raw),
    sluiceRates: roundRates(sluice),
    rawCpuUsPerRecord: roundCpu(raw),
    sluiceCpuUsPerRecord: roundCpu(sluice),
  };
}

/** SLUICE_BENCH_CPU_PROFILE=<dir>: writes a V8 CPU profile of each throughput round there (open in DevTools). */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.SLUICE_BENCH_CPU_PROFILE;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${dir}/${label}-${process.pid}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/** The sparse latency run: few records per second, so reads often come back empty first. */
export const SPARSE_RATE = 20;
export const SPARSE_SECONDS = 4;

/** p50/p99 of the sparse latency run of both sides, for the row's params. */
export function sparseParams(lat: { rawSparse: Latency; sluiceSparse: Latency }, rate: number): Record<string, number> {
  return {
    sparseRate: rate,
    rawSparseP50: lat.rawSparse.p50,
    rawSparseP99: lat.rawSparse.p99,
    sluiceSparseP50: lat.sluiceSparse.p50,
    sluiceSparseP99: lat.sluiceSparse.p99,
  };
}
