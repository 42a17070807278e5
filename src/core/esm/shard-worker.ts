// One worker per owned shard: reads in order (ShardCursor), filters (STR-42), splits records into lanes (D-2) whose
// Batcher cuts batches (size, window, 6 MB — P-12), runs at most one batch per lane (BatchRunner; TumblingWindows
// when windows are on), and checkpoints only the done prefix (ShardCheckpoints, STR-9).
import type { ShardInfo, StartPosition, StreamRecord } from '../../ports/sources.js';
import type { CheckpointStore } from '../../ports/state.js';
import { fullJitterBackoffMs } from '../retry/backoff.js';
import { Waker } from '../wait/wait.js';
import { BatchRunner } from './batch-runner.js';
import type { BatchEntry, BatchHooks, LaneStatus, RunnerContext } from './batch-types.js';
import { envelopeBytes, newLane, windowStartOf, worstStatus, type Batch, type Lane } from './lane.js';
import { laneOf } from './lane-hash.js';
import { ShardCheckpoints, STOPPED, type CheckpointTarget } from './shard-checkpoints.js';
import { ShardCursor } from './shard-cursor.js';
import { ReadAhead } from './read-ahead.js';
import { shardView, type ShardCommand, type ShardCommandResult, type ShardView } from './shard-operator.js';
import { StreamMetric } from './stream-metrics.js';
import type { StreamFailureCondition } from '../records/stream-failure-record.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './stream-options.js';
import { TumblingWindows } from './tumbling-window.js';

/** The mapping's compiled filter (core/filter's RecordFilter fits): records that do not match are skipped. */
export interface RecordMatcher {
  matches(record: Record<string, unknown>): boolean;
}

export interface ShardWorkerDeps extends Omit<RunnerContext, 'shard' | 'signal' | 'sleepSignal' | 'isStopping'> {
  /** The state store's checkpoints; unused when the source keeps its own positions. */
  checkpoints?: CheckpointStore;
  filter?: RecordMatcher;
  /** Records read and not yet checkpointed, for the backlog gauge. */
  onPending?(shardId: string, pending: number): void;
  /** The shard's worst lane status changed (shard-state gauge). */
  onStatus?(shardId: string, status: LaneStatus): void;
}

export type ShardWorkerResult = 'finished' | 'stopped';

function checkpointTarget(
  deps: ShardWorkerDeps,
  shardId: string,
  commit: (position: string) => Promise<boolean>,
): CheckpointTarget {
  if (deps.source.positions === 'source') return { positions: 'source', commit };
  if (deps.checkpoints === undefined) throw new Error('a source with engine-kept positions needs a checkpoint store');
  return { positions: 'engine', store: deps.checkpoints, mappingId: deps.options.mappingId, shardId };
}

const MAX_READ = 10_000;

export class ShardWorker {
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly stopRequested = new AbortController();
  private readonly waker = new Waker();
  private readonly positions: ShardCheckpoints;
  private readonly lanes: Lane[];
  private readonly runner: BatchRunner;
  private readonly inflight = new Set<Promise<void>>();
  /** Set once the checkpoint is read. */
  private cursor: ShardCursor | undefined;
  private reportedStatus: LaneStatus = 'running';
  /** The event envelope (envelopeBytes) once measured, for batchReady's estimate. */
  private envelope: number | undefined;
  private readonly log;
  private readonly windows: TumblingWindows;
  /** #21: an operator paused the shard: nothing new is read or started (a batch in flight goes on). */
  private paused = false;
  private readonly readAhead: ReadAhead;

  constructor(
    private readonly deps: ShardWorkerDeps,
    readonly shard: ShardInfo,
    /** #21 seek: open here instead of after the checkpoint. */
    private readonly seek?: StartPosition,
  ) {
    const n = Math.max(1, Math.floor(deps.options.parallelizationFactor));
    const now = deps.clock.now();
    const { batchSize, maxBatchingWindowMs, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES } = deps.options;
    const limits = { batchSize, maxBatchingWindowMs, maxPayloadBytes };
    this.lanes = Array.from({ length: n }, () => newLane(limits, now));
    this.readAhead = new ReadAhead(this.lanes, batchSize, maxPayloadBytes, deps.source.maxReadBytes);
    this.log = deps.logger.child({ shardId: shard.id });
    this.positions = new ShardCheckpoints({
      target: checkpointTarget(deps, shard.id, (position) => this.cursor?.commit(position) ?? Promise.resolve(false)),
      log: this.log,
      retry: {
        clock: deps.clock,
        delayMs: (attempt) => fullJitterBackoffMs(attempt, deps.options.retryBackoff, deps.rng),
        signal: this.stopRequested.signal,
        stopped: () => this.stopping,
      },
      onPending: (n) => deps.onPending?.(shard.id, n),
      onWriteError: () => deps.metrics.inc(StreamMetric.commitErrors, deps.labels),
    });
    this.runner = new BatchRunner({
      ...deps,
      logger: this.log,
      shard,
      signal: this.abort.signal,
      sleepSignal: this.stopRequested.signal,
      isStopping: () => this.stopping,
    });
    this.windows = new TumblingWindows({
      options: deps.options,
      shard,
      arn: deps.source.arn,
      runner: this.runner,
      log: this.log,
      endOfShard: () => this.endOfShard(),
      batchReady: (lane, now) => this.batchReady(lane, now),
      takeBatch: (lane, limit, reserved) => this.takeBatch(lane, limit, reserved),
      startBatch: (lane, batch, hooks) => this.startBatch(lane, batch, hooks),
      launch: (lane, body, onError) => this.launch(lane, body, onError),
      markDone: (entries) => this.markDone(entries),
      setStatus: (lane, status) => this.setStatus(lane, status),
      now: () => deps.clock.now(),
    });
  }

  /** Graceful: the batches in flight finish (and checkpoint); nothing new starts. */
  requestStop(): void {
    this.stopping = true;
    this.stopRequested.abort();
    this.waker.notify();
  }

  /** Hard: abandon in-flight invokes and retries; their records stay unacknowledged. */
  abortNow(): void {
    this.stopping = true;
    this.stopRequested.abort();
    this.abort.abort();
    this.waker.notify();
  }

  /** Operator command (#21): carried out here, by the shard's owner. */
  command(cmd: ShardCommand): ShardCommandResult {
    this.deps.metrics.inc(StreamMetric.operatorActions, { ...this.deps.labels, action: cmd.action });
    this.log.info({ action: cmd.action, ...('note' in cmd && cmd.note) }, 'operator command');
    if (cmd.action === 'pause' || cmd.action === 'resume') {
      this.setPaused(cmd.action === 'pause');
      return { done: true };
    }
    if (cmd.action === 'seek') return { done: false, reason: 'seek restarts the worker (StreamMapping.command)' };
    const failing = this.lanes.filter((l) => l.operator.failing !== undefined);
    if (failing.length === 0) return { done: false, reason: 'no batch of this shard is failing' };
    const destination = cmd.action === 'park' ? { destination: cmd.destination } : {};
    for (const l of failing) l.operator.requestSkip({ action: cmd.action, note: cmd.note, ...destination });
    return { done: true, skipped: failing.length };
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.waker.notify();
  }

  inspect(): ShardView {
    return shardView({
      shardId: this.shard.id,
      paused: this.paused,
      checkpoint: this.positions.saved,
      lastRead: this.cursor?.lastRead,
      pending: this.positions.pending,
      lanes: this.lanes,
      window: this.deps.options.tumblingWindowMs > 0 ? (l) => this.windows.view(l) : undefined,
    });
  }

  async run(): Promise<ShardWorkerResult> {
    const { deps } = this;
    const checkpoint = await this.positions.load();
    if (checkpoint === STOPPED) return 'stopped';
    const cursor = new ShardCursor({ ...deps, shard: this.shard, log: this.log }, checkpoint, this.seek);
    this.cursor = cursor;
    try {
      while (!this.stopping) {
        let now = deps.clock.now();
        const room = this.room();
        if (room > 0 && cursor.due(now)) {
          let records: readonly StreamRecord[] | undefined;
          try {
            records = await cursor.read(Math.min(room, MAX_READ), this.abort.signal);
          } catch {
            break; // aborted
          }
          if (records) {
            this.ingest(records);
            now = deps.clock.now();
            // Not awaited: a slow checkpoint write (a Kafka commit queued behind a fetch) must not hold up reading.
            void this.positions.flush();
          }
        }
        this.dispatch(now);
        if (this.endOfShard() && this.positions.pending === 0 && this.idle()) {
          await this.positions.flush();
          const done = await this.positions.finish();
          if (done === STOPPED) break;
          this.log.info({}, 'shard finished');
          return 'finished';
        }
        await this.waitForWork(now, cursor.nextReadAt, room);
      }
      await Promise.all([...this.inflight]);
      await this.positions.flush();
      return 'stopped';
    } finally {
      await cursor.close();
    }
  }

  /** How many more records may be read (see ReadAhead). */
  private room(): number {
    return this.paused ? 0 : this.readAhead.room(this.positions.unfinished, this.positions.pending);
  }

  private ingest(records: readonly StreamRecord[]): void {
    const { deps } = this;
    if (records.length === 0) return;
    deps.metrics.inc(StreamMetric.polled, deps.labels, records.length);
    this.readAhead.read(records);
    let filtered = 0;
    const now = deps.clock.now();
    for (const record of records) {
      const ordinal = this.positions.add(record);
      if (record.rejected !== undefined) {
        this.reject({ ordinal, record }, record.rejected.condition);
        continue;
      }
      if (!this.passes(record)) {
        // STR-42: skipped records are done; the checkpoint moves past them.
        this.positions.markDone(ordinal);
        filtered++;
        continue;
      }
      // One lane (the usual): the key is never asked for (a packed Kafka record reads it only then).
      const lane =
        this.lanes.length === 1 ? this.lanes[0]! : this.lanes[laneOf(record.partitionKey, this.lanes.length)]!;
      lane.waiting.push({ ordinal, record }, now);
    }
    if (filtered > 0) deps.metrics.inc(StreamMetric.filteredOut, deps.labels, filtered);
  }

  /** DA-8: a record the connector rejected is given up at once, never invoked; its position waits for that. */
  private reject(entry: BatchEntry, condition: StreamFailureCondition): void {
    const never = { invokes: 0, lastResponse: null };
    const onDone = (entries: readonly BatchEntry[]): void => this.markDone(entries);
    const task = this.runner
      .discard([entry], condition, never, { onDone })
      .then(() => undefined)
      .catch((err: unknown) => this.log.error({ err }, 'rejected record not given up'));
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  private passes(record: StreamRecord): boolean {
    if (!this.deps.filter) return true;
    try {
      return this.deps.filter.matches(record.filterView ?? record.record);
    } catch (err) {
      // A broken filter must not lose records: deliver rather than skip.
      this.log.warn({ err }, 'filter failed; record delivered');
      return true;
    }
  }

  private idle(): boolean {
    return this.lanes.every((l) => !l.busy && l.waiting.length === 0 && !this.windows.isOpen(l));
  }

  /** Starts a batch on every free lane whose batch is ready. */
  private dispatch(now: number): void {
    if (this.paused) return;
    for (const lane of this.lanes) {
      if (lane.busy || now < lane.blockedUntil) continue;
      if (this.deps.options.tumblingWindowMs > 0) {
        this.windows.dispatch(lane, now);
        continue;
      }
      if (lane.waiting.length === 0 || !this.batchReady(lane, now)) continue;
      this.startBatch(lane, this.takeBatch(lane, Number.POSITIVE_INFINITY));
    }
  }

  private startBatch(lane: Lane, { items: batch, tooLarge }: Batch, hooks?: Partial<BatchHooks>): void {
    // The parts of the batch that finished, kept as given: a Set of every entry cost more than the rest of the
    // batch's bookkeeping, and only the unexpected-error path below asks.
    const finished: Array<readonly BatchEntry[]> = [];
    const onDone = (entries: readonly BatchEntry[], discarded = false): void => {
      finished.push(entries);
      // Processed records wait for the window's final invoke; given-up ones already left (on-failure record).
      if (!discarded && this.windows.hold(lane, entries)) return;
      this.markDone(entries);
    };
    const onStatus = (status: LaneStatus): void => this.setStatus(lane, status);
    this.launch(
      lane,
      async () => {
        if (tooLarge) {
          // P-12, D-4: a record that can never fit an invocation is discarded without invoking.
          const never = { invokes: 0, lastResponse: null };
          await this.runner.discard(batch, 'MaximumPayloadSizeExceeded', never, { onDone, onStatus });
        } else {
          await this.runner.run(batch, { onDone, onStatus, operator: lane.operator, ...hooks });
        }
      },
      (err) => {
        // A bug or a throwing events.event: keep the records (order and checkpoint stay safe) and try again later.
        this.log.error({ err }, 'batch failed unexpectedly; will retry');
        const done = new Set(finished.flat());
        lane.waiting.requeue(batch.filter((e) => !done.has(e)));
        lane.blockedUntil = this.deps.clock.now() + fullJitterBackoffMs(1, this.deps.options.retryBackoff, () => 1);
      },
    );
  }

  private markDone(entries: readonly BatchEntry[]): void {
    for (const e of entries) this.positions.markDone(e.ordinal);
    // STR-21: records before a rewind are checkpointed while the rest is still retried.
    void this.positions.flush();
  }

  private endOfShard(): boolean {
    return this.cursor?.endOfShard ?? false;
  }

  private batchReady(lane: Lane, now: number): boolean {
    return this.endOfShard() || lane.waiting.ready(now, this.envelope ?? 0);
  }

  /** P-12: sizes the event from its envelope (measured on the head record) and its records as sent. */
  private takeBatch(lane: Lane, windowStartLimit: number, reservedBytes = 0): Batch {
    const head = lane.waiting.head();
    // A shard's events share one envelope: measured once (building a one-record event per batch cost 2-3 % of CPU).
    if (head && this.envelope === undefined) this.envelope = envelopeBytes(this.deps.source, this.shard, head);
    const tw = this.deps.options.tumblingWindowMs;
    // STR-31: a batch never mixes windows; records of later windows stay queued.
    const laterWindow =
      tw > 0 ? (e: BatchEntry) => windowStartOf(e.record.arrivalMs, tw) > windowStartLimit : undefined;
    return lane.waiting.take((this.envelope ?? 0) + reservedBytes, laterWindow);
  }

  /** Runs `body` as the lane's one task in flight, then checkpoints and dispatches what is ready. */
  private launch(lane: Lane, body: () => Promise<void>, onError: (err: unknown) => void): void {
    lane.busy = true;
    const task = (async () => {
      try {
        await body();
      } catch (err) {
        onError(err);
      } finally {
        lane.busy = false;
        lane.operator.batchEnded();
        this.setStatus(lane, 'running');
        lane.waiting.batchDone(this.deps.clock.now());
        // Not awaited: the next batch need not wait for this one's checkpoint write (writes are serialized and
        // coalesced in flush, and only ever name records that are done).
        void this.positions.flush();
        // Dispatch right here too: the main loop may be parked in a long-polling read (Redis, Kafka).
        if (!this.stopping) this.dispatch(this.deps.clock.now());
        this.waker.notify();
      }
    })();
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  /** Reports the shard's status as its worst lane's, only when it changes. */
  private setStatus(lane: Lane, status: LaneStatus): void {
    lane.status = status;
    const worst = worstStatus(this.lanes);
    if (worst === this.reportedStatus) return;
    this.reportedStatus = worst;
    this.deps.onStatus?.(this.shard.id, worst);
  }

  /** Sleeps until the next read, batching deadline or window close, or until a batch finishes. */
  private async waitForWork(now: number, nextReadAt: number, room: number): Promise<void> {
    let until = Number.POSITIVE_INFINITY;
    // Paused: nothing is read or dispatched, so only a notify (resume, a batch ending, stop) ends the wait; a lane
    // with a ready batch would otherwise make this return at once, forever, without yielding to the event loop.
    if (this.paused) return this.waker.wait(this.deps.clock, until, this.abort.signal);
    if (!this.endOfShard() && room > 0) until = Math.min(until, nextReadAt);
    if (!this.endOfShard() && room <= 0 && this.room() > 0) until = now;
    for (const lane of this.lanes) {
      if (lane.busy) continue;
      if (lane.blockedUntil > now) until = Math.min(until, lane.blockedUntil);
      else if (lane.waiting.length > 0) until = Math.min(until, lane.waiting.deadline());
      const closesAt = lane.waiting.length === 0 ? this.windows.closesAt(lane) : undefined;
      if (closesAt !== undefined) until = Math.min(until, closesAt);
    }
    if (until <= now) return;
    await this.waker.wait(this.deps.clock, until - now, this.abort.signal);
  }
}
