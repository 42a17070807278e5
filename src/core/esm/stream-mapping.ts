// A stream mapping: discovers shards, respects lineage (STR-40), holds leases when several processes share the
// work, and runs one ShardWorker per owned shard. Knows no broker: everything goes through StreamSource.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Labels, Metrics } from '../../ports/metrics.js';
import type { ShardInfo, StreamSource } from '../../ports/sources.js';
import type { CheckpointStore, LeaseStore } from '../../ports/state.js';
import { DestinationSender } from '../delivery/destination-sender.js';
import type { Invoker } from '../invoke/types.js';
import type { Rng } from '../retry/backoff.js';
import { settleWithin, Waker } from '../wait/wait.js';
import type { LaneStatus } from './batch-runner.js';
import { ShardWorker, type RecordMatcher, type ShardWorkerResult } from './shard-worker.js';
import { StreamMetric } from './stream-metrics.js';
import type { StreamMappingOptions } from './stream-options.js';

export interface StreamMappingDeps {
  source: StreamSource;
  invoker: Invoker;
  checkpoints: CheckpointStore;
  /** Without it this process owns every shard. */
  leases?: LeaseStore;
  options: StreamMappingOptions;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  filter?: RecordMatcher;
  random?: Rng;
  newId?: () => string;
}

export interface StreamMapping {
  start(): Promise<void>;
  /** Lets batches in flight finish for up to `graceMs`, then abandons them (unacknowledged, so replayed later). */
  stop(graceMs: number): Promise<void>;
  /** For readiness: whether a shard discovery has succeeded yet, and why the last one failed (if it did). */
  discovery(): { listed: boolean; error?: string };
}

interface RunningShard {
  worker: ShardWorker;
  done: Promise<void>;
  /** Being shed or stopped: no longer counted as held. */
  leaving: boolean;
  /** The lease was taken by someone else: do not release it. */
  lost: boolean;
  /** Last successful acquire/renew; past the ttl the lease may belong to someone else. */
  renewedAt: number;
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
  private readonly owner: string;
  private readonly ttl: number;
  private readonly log: Logger;
  private readonly delivery: DestinationSender;

  constructor(private readonly deps: StreamMappingDeps) {
    const { options } = deps;
    this.labels = { mapping: options.mappingId, function: options.functionName, source: deps.source.kind };
    this.owner = options.instanceId ?? randomUUID();
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.log = deps.logger.child({ mapping: options.mappingId });
    this.delivery = new DestinationSender({ metrics: deps.metrics, logger: this.log, clock: deps.clock });
  }

  discovery(): { listed: boolean; error?: string } {
    return this.lastError === undefined ? { listed: this.listed } : { listed: this.listed, error: this.lastError };
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
    if (this.deps.leases) await this.deps.leases.release(this.instanceKey(), this.owner).catch(() => undefined);
    this.deps.metrics.set(StreamMetric.backlog, this.labels, 0);
    this.statuses.clear();
    this.reportStatuses();
  }

  private get period(): number {
    const discovery = this.deps.options.shardDiscoveryIntervalMs ?? DEFAULT_DISCOVERY_MS;
    return this.deps.leases ? Math.min(discovery, this.ttl / 3) : discovery;
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
        (await checkpoints.isFinished(options.mappingId, s.id))
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
    if (!this.deps.leases) {
      for (const s of eligible) if (!this.running.has(s.id)) this.startWorker(s);
      return;
    }
    await this.balanceLeases(this.deps.leases, eligible);
  }

  /**
   * KCL-style leases: renew what we hold (every ttl/3), notice losses, count instances by their presence lease,
   * hold this instance's share of the shards, shed extras gracefully and take free or expired leases.
   */
  private async balanceLeases(leases: LeaseStore, eligible: ShardInfo[]): Promise<void> {
    const me = this.owner;
    if (!(await leases.renew(this.instanceKey(), me, this.ttl))) await leases.acquire(this.instanceKey(), me, this.ttl);
    for (const [id, r] of this.running) {
      if (r.leaving) continue;
      if (await leases.renew(this.shardKey(id), me, this.ttl)) r.renewedAt = this.deps.clock.now();
      else {
        this.log.warn({ shardId: id }, 'shard lease lost; stopping its worker');
        r.lost = true;
        r.leaving = true;
        r.worker.abortNow();
      }
    }
    const owners = await leases.owners(`${this.deps.options.mappingId}/`);
    const present = new Set([me]);
    const instancePrefix = `${this.deps.options.mappingId}/instance/`;
    for (const [key, owner] of owners) if (key.startsWith(instancePrefix)) present.add(owner);
    // Every process computes the same split: floor(shards / instances) each, one more for the first
    // `shards mod instances` instances by id. (A plain ceil lets 4 shards on 3 processes end 2/2/0.)
    const instances = [...present].sort();
    const target =
      Math.floor(eligible.length / instances.length) +
      (instances.indexOf(me) < eligible.length % instances.length ? 1 : 0);
    const held = [...this.running.entries()].filter(([, r]) => !r.leaving);
    for (const [id, r] of held.slice(target)) {
      this.log.info({ shardId: id, target }, 'shedding shard lease for balance');
      r.leaving = true;
      void this.shed(r);
    }
    let count = Math.min(held.length, target);
    for (const s of eligible) {
      if (count >= target || this.stopSignal.signal.aborted) break;
      if (this.running.has(s.id)) continue;
      const holder = owners.get(this.shardKey(s.id));
      if (holder !== undefined && holder !== me) continue;
      if (await leases.acquire(this.shardKey(s.id), me, this.ttl)) {
        this.startWorker(s);
        count++;
      }
    }
  }

  /** If the lease store was unreachable for a whole ttl, our leases may have passed to another process: stop. */
  private dropUnrenewedLeases(): void {
    if (!this.deps.leases) return;
    const now = this.deps.clock.now();
    for (const [id, r] of this.running) {
      if (r.leaving || now - r.renewedAt < this.ttl) continue;
      this.log.warn({ shardId: id }, 'shard lease not renewed within its ttl; stopping its worker');
      r.lost = true;
      r.leaving = true;
      r.worker.abortNow();
    }
  }

  private async shed(r: RunningShard): Promise<void> {
    r.worker.requestStop();
    await settleWithin(this.deps.clock, r.done, this.ttl / 3, () => r.worker.abortNow());
  }

  private startWorker(shard: ShardInfo): void {
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
    );
    const entry: RunningShard = {
      worker,
      done: Promise.resolve(),
      leaving: false,
      lost: false,
      renewedAt: deps.clock.now(),
    };
    entry.done = worker.run().then(
      (result) => this.onWorkerExit(shard.id, entry, result),
      (err: unknown) => {
        this.log.error({ err, shardId: shard.id }, 'shard worker crashed; it will be restarted');
        return this.onWorkerExit(shard.id, entry, 'stopped');
      },
    );
    this.running.set(shard.id, entry);
    this.setStatus(shard.id, 'running');
  }

  private async onWorkerExit(id: string, entry: RunningShard, result: ShardWorkerResult): Promise<void> {
    if (result === 'finished') this.finished.add(id);
    if (this.running.get(id) === entry) this.running.delete(id);
    this.setPending(id, 0);
    this.setIteratorAge(id, undefined);
    if (!this.running.has(id)) this.setStatus(id, undefined);
    // The checkpoint is written before the lease goes, so the next owner resumes exactly there.
    if (this.deps.leases && !entry.lost) {
      await this.deps.leases.release(this.shardKey(id), this.owner).catch((err: unknown) => {
        this.log.warn({ err, shardId: id }, 'lease release failed');
      });
    }
    // Children of a finished shard can start now rather than at the next discovery.
    this.waker.notify();
  }

  private setIteratorAge(shardId: string, ms: number | undefined): void {
    if (ms === undefined) this.iteratorAges.delete(shardId);
    else this.iteratorAges.set(shardId, ms);
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

  private instanceKey(): string {
    return `${this.deps.options.mappingId}/instance/${this.owner}`;
  }

  private shardKey(id: string): string {
    return `${this.deps.options.mappingId}/shard/${id}`;
  }
}
