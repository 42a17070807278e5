// A stream mapping: discovers shards, respects lineage (STR-40), holds leases when several processes share the
// work, and runs one ShardWorker per owned shard. Knows no broker: everything goes through StreamSource.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Labels, Metrics } from '../../ports/metrics.js';
import type { ShardInfo, StartPosition, StreamSource } from '../../ports/sources.js';
import type { CheckpointStore, LeaseStore } from '../../ports/state.js';
import { DestinationSender } from '../delivery/destination-sender.js';
import type { Invoker } from '../invoke/types.js';
import type { Rng } from '../retry/backoff.js';
import { settleWithin, Waker } from '../wait/wait.js';
import type { LaneStatus } from './batch-types.js';
import { ShardLeases } from './shard-leases.js';
import type { ShardCommand, ShardCommandResult, ShardView } from './shard-operator.js';
import { seekStart } from './shard-seek.js';
import { ShardWorker, type RecordMatcher, type ShardWorkerResult } from './shard-worker.js';
import { StreamMetric } from './stream-metrics.js';
import type { StreamMappingOptions } from './stream-options.js';

export interface StreamMappingDeps {
  source: StreamSource;
  invoker: Invoker;
  /** The state store's checkpoints: required when the source's positions are 'engine', unused otherwise. */
  checkpoints?: CheckpointStore;
  /** Without it this process owns every shard. */
  leases?: LeaseStore;
  options: StreamMappingOptions;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  filter?: RecordMatcher;
  random?: Rng;
  newId?: () => string;
  /** #21: whether a shard this process starts was paused by an operator elsewhere (shared state). */
  pausedAtStart?(shardId: string): Promise<boolean>;
}

export interface StreamMapping {
  start(): Promise<void>;
  /** Lets batches in flight finish for up to `graceMs`, then abandons them (unacknowledged, so replayed later). */
  stop(graceMs: number): Promise<void>;
  /** For readiness: whether a shard discovery has succeeded yet, and why the last one failed (if it did). */
  discovery(): { listed: boolean; error?: string };
  /** Operator inspection (#21): the shards this process owns now, with its instance id. */
  shards(): { owner: string; shards: ShardView[] };
  /**
   * Operator command (#21) to one owned shard, or (shardId undefined; pause/resume only) to the whole mapping,
   * shards started later included. `not-owned`: another process holds the shard (or it is not running here).
   */
  command(shardId: string | undefined, cmd: ShardCommand): ShardCommandResult | 'not-owned';
}

interface RunningShard {
  worker: ShardWorker;
  done: Promise<void>;
  /** Being shed or stopped: no longer counted as held. */
  leaving: boolean;
  /** The lease was taken by someone else: do not release it. */
  lost: boolean;
  shard: ShardInfo;
  /** #21 seek: once the worker stopped, it starts again here (the lease is kept). */
  seek?: StartPosition;
}

const DEFAULT_DISCOVERY_MS = 10_000;
const DEFAULT_LEASE_TTL_MS = 30_000;

export function createStreamMapping(deps: StreamMappingDeps): StreamMapping {
  return new StreamMappingImpl(deps);
}

class StreamMappingImpl implements StreamMapping {
  private lastError: string | undefined;
  private listed = false;
  private readonly running = new Map<string, RunningShard>();
  private readonly finished = new Set<string>();
  private readonly pending = new Map<string, number>();
  private readonly iteratorAges = new Map<string, number>();
  /** Owned shards by status (running unless a lane retries or is blocked); drives the shard-state gauge. */
  private readonly statuses = new Map<string, LaneStatus>();
  private readonly waker = new Waker();
  private readonly stopSignal = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private readonly labels: Labels;
  private readonly ttl: number;
  /** Present when several processes share the shards. */
  private readonly leases: ShardLeases | undefined;
  private readonly log: Logger;
  private readonly delivery: DestinationSender;
  private readonly owner: string;
  /** #21: the whole mapping is paused: shards started later start paused too. */
  private paused = false;

  constructor(private readonly deps: StreamMappingDeps) {
    const { options } = deps;
    if (deps.source.positions === 'engine' && deps.checkpoints === undefined)
      throw new Error(`${deps.source.kind} keeps no positions itself: the mapping needs the state store's checkpoints`);
    this.labels = { mapping: options.mappingId, function: options.functionName, source: deps.source.kind };
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.owner = options.instanceId ?? randomUUID();
    this.leases = deps.leases && new ShardLeases(deps.leases, options.mappingId, this.owner, this.ttl, deps.clock);
    this.log = deps.logger; // the app's logger already names the mapping (a child binding would repeat the key)
    this.delivery = new DestinationSender({ metrics: deps.metrics, logger: this.log, clock: deps.clock });
  }

  discovery(): { listed: boolean; error?: string } {
    return this.lastError === undefined ? { listed: this.listed } : { listed: this.listed, error: this.lastError };
  }

  shards(): { owner: string; shards: ShardView[] } {
    const live = [...this.running.values()].filter((r) => !r.leaving);
    return { owner: this.owner, shards: live.map((r) => this.withLag(r.worker.inspect())) };
  }

  private withLag(view: ShardView): ShardView {
    const ageSeconds = this.iteratorAges.get(view.shardId);
    const records = this.deps.source.shardLag?.(view.shardId);
    if (ageSeconds === undefined && records === undefined) return view;
    const lag = {
      ...(ageSeconds !== undefined && { iteratorAgeMs: Math.round(ageSeconds * 1000) }),
      ...(records !== undefined && { records }),
    };
    return { ...view, lag };
  }

  command(shardId: string | undefined, cmd: ShardCommand): ShardCommandResult | 'not-owned' {
    if (shardId !== undefined) {
      const r = this.running.get(shardId);
      if (!r || r.leaving) return 'not-owned';
      return cmd.action === 'seek' ? this.seek(r, cmd) : r.worker.command(cmd);
    }
    if (cmd.action !== 'pause' && cmd.action !== 'resume')
      return { done: false, reason: `${cmd.action} names a shard` };
    this.paused = cmd.action === 'pause';
    for (const r of this.running.values()) r.worker.command(cmd);
    return { done: true };
  }

  /** Stops the worker gracefully and starts it again at the new position, keeping the lease. */
  private seek(r: RunningShard, cmd: Extract<ShardCommand, { action: 'seek' }>): ShardCommandResult {
    if (this.deps.source.positions !== 'engine' && this.deps.source.seek === undefined)
      return {
        done: false,
        reason: `seek is not offered for ${this.deps.source.kind} (positions kept by the source)`,
      };
    const start = seekStart(cmd, r.worker.inspect().position.checkpoint);
    if ('refused' in start) return { done: false, reason: start.refused };
    this.deps.metrics.inc(StreamMetric.operatorActions, { ...this.labels, action: 'seek' });
    this.log.info({ shardId: r.shard.id, to: cmd.to, force: cmd.force === true, ...cmd.note }, 'operator command');
    r.seek = start;
    r.worker.requestStop();
    return { done: true };
  }

  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    // A Kafka rebalance is acted on at once, not at the next discovery tick.
    this.unsubscribe = this.deps.source.onShardsChanged?.(() => this.waker.notify());
    this.loopDone = this.loop();
    return Promise.resolve();
  }

  async stop(graceMs: number): Promise<void> {
    if (this.stopSignal.signal.aborted) return;
    this.stopSignal.abort();
    this.unsubscribe?.();
    this.waker.notify();
    await this.loopDone;
    const all = [...this.running.values()];
    for (const r of all) r.worker.requestStop();
    await settleWithin(this.deps.clock, Promise.all(all.map((r) => r.done)), graceMs, () =>
      all.forEach((r) => r.worker.abortNow()),
    );
    await Promise.all(all.map((r) => r.done));
    await this.leases?.releasePresence().catch(() => undefined);
    this.deps.metrics.set(StreamMetric.backlog, this.labels, 0);
    this.statuses.clear();
    this.reportStatuses();
  }

  private get period(): number {
    const discovery = this.deps.options.shardDiscoveryIntervalMs ?? DEFAULT_DISCOVERY_MS;
    return this.leases ? Math.min(discovery, this.ttl / 3) : discovery;
  }

  private async loop(): Promise<void> {
    while (!this.stopSignal.signal.aborted) {
      try {
        await this.tick();
        this.listed = true;
        this.lastError = undefined;
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.log.warn({ err }, 'shard discovery or lease tick failed');
      }
      this.dropUnrenewedLeases();
      await this.waker.wait(this.deps.clock, this.period, this.stopSignal.signal);
    }
  }

  private async tick(): Promise<void> {
    const { source, checkpoints, options } = this.deps;
    const shards = await source.listShards();
    const known = new Set(shards.map((s) => s.id));
    for (const s of shards) {
      if (
        !this.finished.has(s.id) &&
        !this.running.has(s.id) &&
        source.positions === 'engine' &&
        (await checkpoints?.isFinished(options.mappingId, s.id)) === true
      )
        this.finished.add(s.id);
    }
    // STR-40: a child waits until every parent is finished; a parent gone from the listing (trimmed) counts as done.
    const eligible = shards.filter(
      (s) => !this.finished.has(s.id) && s.parentIds.every((p) => this.finished.has(p) || !known.has(p)),
    );
    if (this.stopSignal.signal.aborted) return;
    // A shard no longer listed (Kafka partition revoked in a rebalance, shard trimmed) stops at once, even when
    // blocked by retries, so the new owner can take it (DESIGN: "must still answer rebalances").
    for (const [id, r] of this.running) {
      if (known.has(id) || r.leaving) continue;
      this.log.info({ shardId: id }, 'shard no longer listed; stopping its worker');
      r.leaving = true;
      void this.shed(r);
    }
    if (!this.leases) {
      for (const s of eligible) if (!this.running.has(s.id)) this.startWorker(s);
      return;
    }
    await this.balanceLeases(this.leases, eligible);
  }

  /** Renews what we hold, stops what was lost, sheds extras gracefully and takes this instance's share. */
  private async balanceLeases(leases: ShardLeases, eligible: ShardInfo[]): Promise<void> {
    await leases.heartbeat();
    for (const id of await leases.renew(this.heldIds())) {
      this.log.warn({ shardId: id }, 'shard lease lost; stopping its worker');
      this.lose(id);
    }
    const plan = await leases.plan(eligible, this.heldIds());
    for (const id of plan.shed) {
      const r = this.running.get(id);
      if (!r) continue; // exited meanwhile
      this.log.info({ shardId: id, target: plan.target }, 'shedding shard lease for balance');
      r.leaving = true;
      void this.shed(r);
    }
    let room = plan.room;
    for (const s of plan.candidates) {
      if (room <= 0 || this.stopSignal.signal.aborted) break;
      if (this.running.has(s.id)) continue;
      if (await leases.acquire(s.id)) {
        this.startWorker(s);
        room--;
      }
    }
  }

  /** Shards this process runs and means to keep (not being shed or stopped). */
  private heldIds(): string[] {
    return [...this.running.entries()].filter(([, r]) => !r.leaving).map(([id]) => id);
  }

  /** The lease was taken or may have expired: stop at once, and do not release what is no longer ours. */
  private lose(id: string): void {
    const r = this.running.get(id);
    if (!r) return;
    r.lost = true;
    r.leaving = true;
    r.worker.abortNow();
  }

  /** If the lease store was unreachable for a whole ttl, our leases may have passed to another process: stop. */
  private dropUnrenewedLeases(): void {
    for (const id of this.leases?.unrenewed(this.heldIds()) ?? []) {
      this.log.warn({ shardId: id }, 'shard lease not renewed within its ttl; stopping its worker');
      this.lose(id);
    }
  }

  private async shed(r: RunningShard): Promise<void> {
    r.worker.requestStop();
    await settleWithin(this.deps.clock, r.done, this.ttl / 3, () => r.worker.abortNow());
  }

  private startWorker(shard: ShardInfo, seek?: StartPosition): void {
    const { deps } = this;
    const worker = new ShardWorker(
      {
        source: deps.source,
        invoker: deps.invoker,
        options: deps.options,
        metrics: {
          inc: (name, labels, value) => deps.metrics.inc(name, labels, value),
          observe: (name, labels, value) => deps.metrics.observe(name, labels, value),
          // One gauge per mapping: report the oldest shard, as alarms on IteratorAge (Maximum) expect.
          set: (name, labels, value) =>
            name === StreamMetric.iteratorAge
              ? this.setIteratorAge(shard.id, value)
              : deps.metrics.set(name, labels, value),
        },
        labels: this.labels,
        clock: deps.clock,
        logger: this.log,
        rng: deps.random ?? Math.random,
        newId: deps.newId ?? randomUUID,
        delivery: this.delivery,
        checkpoints: deps.checkpoints,
        filter: deps.filter,
        onPending: (id, n) => this.setPending(id, n),
        onStatus: (id, status) => this.setStatus(id, status),
      },
      shard,
      seek,
    );
    const entry: RunningShard = { worker, done: Promise.resolve(), leaving: false, lost: false, shard };
    entry.done = worker.run().then(
      (result) => this.onWorkerExit(shard.id, entry, result),
      (err: unknown) => {
        this.log.error({ err, shardId: shard.id }, 'shard worker crashed; it will be restarted');
        return this.onWorkerExit(shard.id, entry, 'stopped');
      },
    );
    this.running.set(shard.id, entry);
    if (this.paused) worker.setPaused(true);
    else if (deps.pausedAtStart) {
      // Paused until the state store says otherwise: a shard whose lease moved here must not read first.
      worker.setPaused(true);
      deps.pausedAtStart(shard.id).then(
        (paused) => {
          if (!paused && !this.paused) worker.setPaused(false);
        },
        (err: unknown) => {
          this.log.warn({ err, shardId: shard.id }, 'pause state not read; the shard runs');
          if (!this.paused) worker.setPaused(false);
        },
      );
    }
    this.setStatus(shard.id, 'running');
  }

  private async onWorkerExit(id: string, entry: RunningShard, result: ShardWorkerResult): Promise<void> {
    if (entry.seek && result === 'stopped' && !entry.leaving && !this.stopSignal.signal.aborted) {
      const { source } = this.deps;
      if (source.positions === 'engine') return this.startWorker(entry.shard, entry.seek); // the lease stays ours
      // The source moves its own position (Kafka: the group offset) while no worker reads the shard.
      const to = entry.seek;
      if (to.type === 'AFTER' || to.type === 'AT_TIMESTAMP')
        await source.seek?.(id, to).catch((err: unknown) => this.log.warn({ err, shardId: id }, 'seek failed'));
      return this.startWorker(entry.shard);
    }
    if (result === 'finished') this.finished.add(id);
    if (this.running.get(id) === entry) this.running.delete(id);
    this.setPending(id, 0);
    this.setIteratorAge(id, undefined);
    if (!this.running.has(id)) this.setStatus(id, undefined);
    // The checkpoint is written before the lease goes, so the next owner resumes exactly there.
    await this.leases?.release(id, entry.lost).catch((err: unknown) => {
      this.log.warn({ err, shardId: id }, 'lease release failed');
    });
    // Children of a finished shard can start now rather than at the next discovery.
    this.waker.notify();
  }

  private setIteratorAge(shardId: string, seconds: number | undefined): void {
    if (seconds === undefined) this.iteratorAges.delete(shardId);
    else this.iteratorAges.set(shardId, seconds);
    this.deps.metrics.set(StreamMetric.iteratorAge, this.labels, Math.max(0, ...this.iteratorAges.values()));
  }

  private setStatus(shardId: string, status: LaneStatus | undefined): void {
    if (status === undefined) this.statuses.delete(shardId);
    else this.statuses.set(shardId, status);
    this.reportStatuses();
  }

  private reportStatuses(): void {
    const counts: Record<LaneStatus, number> = { running: 0, retrying: 0, blocked: 0 };
    for (const s of this.statuses.values()) counts[s]++;
    for (const state of Object.keys(counts) as LaneStatus[])
      this.deps.metrics.set(StreamMetric.shardState, { ...this.labels, state }, counts[state]);
  }

  private setPending(shardId: string, n: number): void {
    if (n === 0) this.pending.delete(shardId);
    else this.pending.set(shardId, n);
    let total = 0;
    for (const v of this.pending.values()) total += v;
    this.deps.metrics.set(StreamMetric.backlog, this.labels, total);
  }
}
