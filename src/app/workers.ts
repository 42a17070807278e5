// `sluice start --workers N`: the primary process forks N workers (node:cluster), each a whole sluice instance
// of the multi-instance design (Kafka group member, Redis shard leases, the shared async queue, SQS competing
// consumer); they share one listening socket. The primary runs no mapping: it restarts a worker that dies (with
// backoff), forwards signals, merges /metrics, and gives up when workers keep dying before they start.
import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Logger } from '../ports/logger.js';
import { answerMergeRequests, mergedMetrics, serveWorkerMetrics } from '../observability/cluster-metrics.js';
import { PrometheusMetrics } from '../observability/prometheus.js';
import { isSharedSetting, type SharedSetting } from './workers-share.js';

/** Sent by a worker once its app started (HTTP listening, mappings started). */
export const WORKER_STARTED = { sluice: 'worker-started' } as const;

export interface WorkerCount {
  count: number;
  /** Why fewer processes run than were asked for. */
  warning?: string;
}

/**
 * N from --workers (or server.workers): by default one per core when the state is in Redis (where the
 * instances share checkpoints, leases and the async queue), else 1: with memory state each process would keep
 * its own async queue, API-created functions and shard positions.
 */
export function workerCount(
  asked: number | undefined,
  stateType: string,
  cores: () => number = usableCores,
): WorkerCount {
  if (stateType === 'redis') return { count: asked ?? cores() };
  if (asked !== undefined && asked > 1)
    return {
      count: 1,
      warning:
        `--workers ${asked} needs state.type "redis" (the processes share checkpoints, leases and the async queue ` +
        'through it); running 1 process',
    };
  return { count: 1 };
}

/**
 * The cores this process may use: the CPUs it may run on, capped by a cgroup v2 CPU quota (a container limited to
 * 2 CPUs on a 64-core node sees 64 CPUs but gets 2).
 */
export function usableCores(cpuMax = readCpuMax()): number {
  const cpus = availableParallelism();
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/).map(Number);
  if (quota === undefined || period === undefined || !(quota > 0) || !(period > 0)) return cpus;
  return Math.max(1, Math.min(cpus, Math.ceil(quota / period)));
}

function readCpuMax(): string | undefined {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
  } catch {
    return undefined;
  }
}

export interface PrimaryOptions {
  count: number;
  /** The worker command line (`start ...`); the primary's own by default. */
  args: string[];
  /** The worker's script; the primary's own (sluice's main) by default. */
  exec?: string;
  logger: Logger;
  /** The workers' drain time: after it (plus a margin) a worker that has not exited is killed. */
  graceMs: number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** A worker that ran this long after starting counts as healthy again (its backoff starts over). */
  stableMs?: number;
  /** A slot whose worker died this many times in a row before starting makes the primary give up. */
  maxStartFailures?: number;
}

interface Slot {
  index: number;
  worker?: Worker;
  startedAtMs?: number;
  /** Deaths in a row without a healthy run; the backoff doubles with each. */
  crashes: number;
  /** Deaths in a row before the worker started. */
  startFailures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Worker side, once its app started: serve the merged /metrics, tell the primary, and drain when the primary
 * is gone (its IPC channel closes).
 */
export function joinPrimary(metrics: PrometheusMetrics, drain: (reason: string) => void): void {
  serveWorkerMetrics(metrics);
  process.once('disconnect', () => drain('primary process gone'));
  process.send?.(WORKER_STARTED);
}

/** Forks the workers and supervises them until a signal drains them all; resolves with the exit code. */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  const { logger, count } = opts;
  const baseMs = opts.restartBaseMs ?? 1_000;
  const maxMs = opts.restartMaxMs ?? 30_000;
  const stableMs = opts.stableMs ?? 30_000;
  const maxStartFailures = opts.maxStartFailures ?? 5;
  const metrics = new PrometheusMetrics(logger);
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index, crashes: 0, startFailures: 0 }));
  const live = () => slots.flatMap((s) => (s.worker === undefined ? [] : [s.worker]));
  const merged = () => mergedMetrics(metrics, live());
  let allStartedOnce = false;
  let stopping: { code: number } | undefined;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  cluster.setupPrimary({ exec: opts.exec ?? process.argv[1], args: opts.args });

  // The API settings workers changed, latest per function, for the workers started after the change.
  const shared = new Map<string, SharedSetting>();
  const countStarted = () => metrics.set('sluice_workers', {}, slots.filter((s) => s.startedAtMs).length);

  const fork = (slot: Slot) => {
    slot.timer = undefined;
    const worker = cluster.fork({ SLUICE_WORKER_INDEX: String(slot.index) });
    slot.worker = worker;
    slot.startedAtMs = undefined;
    answerMergeRequests(worker, merged);
    worker.on('message', (m: unknown) => {
      if (isSharedSetting(m)) {
        shared.set(`${m.kind}:${m.name}`, m);
        for (const w of live()) if (w !== worker && w.isConnected()) w.send(m);
        return;
      }
      if ((m as { sluice?: unknown } | null)?.sluice !== WORKER_STARTED.sluice) return;
      for (const setting of shared.values()) if (worker.isConnected()) worker.send(setting);
      slot.startedAtMs = Date.now();
      slot.startFailures = 0;
      countStarted();
      if (allStartedOnce) logger.info({ pid: worker.process.pid, worker: slot.index }, 'worker started again');
      else if (slots.every((s) => s.startedAtMs !== undefined)) {
        allStartedOnce = true;
        logger.info({ workers: count, pids: live().map((w) => w.process.pid) }, 'all workers started');
      }
    });
    worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const stopAll = (signal: NodeJS.Signals, code: number) => {
    stopping ??= { code };
    stopping.code = Math.max(stopping.code, code);
    for (const s of slots) clearTimeout(s.timer);
    for (const w of live()) w.process.kill(signal);
    // A worker past its own shutdown deadline is a hang: it is killed and the exit code says so.
    setTimeout(() => {
      for (const w of live()) {
        logger.error({ pid: w.process.pid }, 'worker did not exit after the shutdown grace period; killed');
        w.process.kill('SIGKILL');
      }
    }, opts.graceMs + 15_000).unref();
    if (live().length === 0) finish(stopping.code);
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    if (slot.worker === worker) slot.worker = undefined;
    const pid = worker.process.pid;
    const started = slot.startedAtMs !== undefined;
    const ranMs = started ? Date.now() - (slot.startedAtMs ?? 0) : 0;
    slot.startedAtMs = undefined;
    countStarted();
    if (stopping !== undefined) {
      if (code !== 0) stopping.code = 1;
      if (live().length === 0) {
        logger.info({ code: stopping.code }, 'all workers stopped');
        finish(stopping.code);
      }
      return;
    }
    if (!started) slot.startFailures++;
    // Workers that cannot start (a port in use, a state store that refuses) fail the whole start once.
    if (!allStartedOnce || slot.startFailures >= maxStartFailures) {
      logger.error(
        { pid, code, signal, startFailures: slot.startFailures },
        allStartedOnce ? 'a worker keeps dying before it starts; stopping sluice' : 'a worker could not start',
      );
      stopAll('SIGTERM', 1);
      return;
    }
    const prior = ranMs >= stableMs ? 0 : slot.crashes;
    slot.crashes = prior + 1;
    const delayMs = Math.min(maxMs, baseMs * 2 ** prior);
    logger.warn({ pid, code, signal, delayMs, worker: slot.index }, 'worker died; starting it again');
    metrics.inc('sluice_worker_restarts_total');
    slot.timer = setTimeout(() => fork(slot), delayMs);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGHUP') {
      for (const w of live()) w.process.kill('SIGHUP');
      return;
    }
    if (stopping !== undefined) return;
    logger.info({ signal, workers: live().length }, 'draining every worker');
    stopAll(signal, 0);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  for (const slot of slots) fork(slot);
  return done.finally(() => {
    for (const s of signals) process.off(s, onSignal);
  });
}
