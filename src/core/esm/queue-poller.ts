import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { QueueMessage, QueueSource } from '../../ports/queue-source.js';
import type { Invoker } from '../invoke/types.js';
import { exponentialCeilingMs } from '../retry/backoff.js';
import { QueueBuffer, type HeldMessage, type OpenBatch } from './queue-buffer.js';
import { BatchInvoker, type Outcome } from './queue-invoke.js';
import { QueueMappingMetrics, QueueMetric } from './queue-metrics.js';
import { resolveQueueOptions, type QueueMappingOptions, type ResolvedQueueOptions } from './queue-options.js';
import { QueueScaler } from './queue-scaler.js';
import { QueueSettler } from './queue-settle.js';
import { settledWithin, sleepQuietly } from '../wait/wait.js';

export interface RecordFilter {
  matches(record: Record<string, unknown>): boolean;
}

export interface QueuePollerDeps {
  source: QueueSource;
  invoker: Invoker;
  options: QueueMappingOptions;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** FilterCriteria; messages it rejects are acked at once (SQS-26). */
  filter?: RecordFilter;
}

export interface QueuePollerStatus {
  /** Concurrent batches the scaler allows now. */
  concurrency: number;
  workers: number;
  inflightBatches: number;
  /** Received messages waiting for a batch (6 MB overflow, FIFO groups in flight). */
  buffered: number;
}

export interface QueuePoller {
  start(): void;
  /** Stops polling, lets running batches finish for up to `graceMs`, then aborts them and hands back held messages. */
  stop(graceMs: number): Promise<void>;
  status(): QueuePollerStatus;
}

/** Most receive calls one batch makes at once while it fills (each asks for up to 10). */
const MAX_PARALLEL_RECEIVES = 10;

export function createQueuePoller(deps: QueuePollerDeps): QueuePoller {
  return new QueuePollerImpl(deps);
}

/**
 * The queue poller (spec §2): `scaler.target` workers each assemble a batch from one or more receives
 * (BatchSize, batching window from the batch's first message, 6 MB), filter, invoke, then ack what succeeded.
 *
 * Decisions, by how the source takes messages back (`redelivery`):
 * - `visibility-timeout`: on function error nothing is acked and nothing is handed back early (SQS-11); the
 *   visibility timeout brings messages back and the queue's redrive policy moves them to its DLQ (SQS-15).
 *   Throttle / system error: the same batch is invoked again with backoff (honouring Retry-After) until its
 *   visibility timeout would run out, then left to reappear on its own (SQS-14): the function has no capacity, so
 *   handing it to another poller at once would only add throttles.
 * - `on-nack`: the source never takes messages back by itself, so a failed batch is nacked whole after a
 *   backoff that grows per consecutive failure (RMQ-17); throttles and system errors retry until stop; a message
 *   that alone exceeds the payload cap is rejected (RMQ-19).
 * - `nack(0)` is used when sluice itself lets go of messages: on stop, and for FIFO messages queued behind a failed
 *   message of their group (SQS-24). `extend` keeps a filling batch hidden (SQS-12).
 * - The source is the caller's: stop() does not close it.
 */
class QueuePollerImpl implements QueuePoller {
  readonly #o: ResolvedQueueOptions;
  readonly #source: QueueSource;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #filter: RecordFilter | undefined;
  readonly #m: QueueMappingMetrics;
  readonly #scaler: QueueScaler;
  readonly #buffer: QueueBuffer;
  readonly #settle: QueueSettler;
  readonly #batchInvoker: BatchInvoker;
  /** on-nack: messages held because they alone exceed the payload cap and the source cannot reject them. */
  readonly #kept: QueueMessage[] = [];
  readonly #pollAbort = new AbortController();
  readonly #invokeAbort = new AbortController();
  readonly #tasks = new Set<Promise<void>>();
  #started = false;
  #stopping = false;
  #workers = 0;
  #inflight = 0;
  #receiveFailures = 0;
  /** on-nack: failed batches in a row, for the delay before the next one is handed back. */
  #failuresInRow = 0;
  #stopped: Promise<void> | undefined;

  constructor(deps: QueuePollerDeps) {
    this.#o = resolveQueueOptions(deps.options, deps.source.redelivery);
    this.#source = deps.source;
    this.#clock = deps.clock;
    this.#filter = deps.filter;
    // The app's logger already names the mapping, function and source (a child binding would repeat the keys).
    this.#log = deps.logger;
    this.#m = new QueueMappingMetrics(deps.metrics, this.#o.mappingId, this.#o.functionName, deps.source.kind);
    const now = () => this.#clock.now();
    const fixed = this.#o.fixedConcurrency;
    const provisioned = this.#o.provisioned;
    this.#scaler =
      fixed !== undefined
        ? QueueScaler.fixed(fixed, now)
        : provisioned !== undefined
          ? QueueScaler.provisioned(provisioned, this.#o.scaling, now, this.#o.concurrencyLimit)
          : new QueueScaler(this.#o.scaling, this.#o.maximumConcurrency, now, this.#o.concurrencyLimit);
    this.#buffer = new QueueBuffer(this.#o.fifo, this.#o);
    this.#settle = new QueueSettler(deps.source, this.#o, this.#m, deps.clock, this.#log);
    this.#batchInvoker = new BatchInvoker({
      o: this.#o,
      events: deps.source.events,
      invoker: deps.invoker,
      scaler: this.#scaler,
      m: this.#m,
      clock: deps.clock,
      log: this.#log,
      signal: this.#invokeAbort.signal,
      stopping: () => this.#stopping,
      pause: (ms) => sleepQuietly(this.#clock, ms, this.#pollAbort.signal),
    });
  }

  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#m.gauge(QueueMetric.inflightBatches, 0);
    this.#ensureWorkers();
    this.#track(this.#backlogLoop());
  }

  stop(graceMs: number): Promise<void> {
    this.#stopped ??= this.#stop(graceMs);
    return this.#stopped;
  }

  async #stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#pollAbort.abort();
    const idle = this.#allTasks();
    if (!(await settledWithin(this.#clock, idle, graceMs))) {
      this.#log.warn({ inflight: this.#inflight }, 'grace period over: aborting running invocations');
      this.#invokeAbort.abort();
      await settledWithin(this.#clock, this.#allTasks(), Math.max(graceMs, 1000));
    }
    await this.#settle.nack([...this.#buffer.drain().map((h) => h.msg), ...this.#kept.splice(0)], 0);
    this.#m.gauge(QueueMetric.concurrency, 0);
    if (this.#o.provisioned !== undefined) this.#m.gauge(QueueMetric.provisionedPollers, 0);
  }

  status(): QueuePollerStatus {
    return {
      concurrency: this.#scaler.target,
      workers: this.#workers,
      inflightBatches: this.#inflight,
      buffered: this.#buffer.size,
    };
  }

  // ---- workers ------------------------------------------------------------------------------------------

  #ensureWorkers(): void {
    while (!this.#stopping && this.#started && this.#workers < this.#scaler.target) {
      this.#workers++;
      this.#track(this.#worker());
    }
    this.#m.gauge(QueueMetric.concurrency, this.#scaler.target);
    // PRV-14: each worker is one poller (a receive loop assembling one batch at a time).
    if (this.#o.provisioned !== undefined) this.#m.gauge(QueueMetric.provisionedPollers, this.#scaler.target);
  }

  async #worker(): Promise<void> {
    try {
      while (!this.#stopping && this.#workers <= this.#scaler.target) {
        try {
          const batch = await this.#assemble();
          if (batch.items.length > 0 && this.#stopping) {
            // stopping while it filled: hand it back rather than start an invocation now
            this.#buffer.releaseOwner(batch.owner);
            await this.#settle.nack(
              batch.items.map((h) => h.msg),
              0,
            );
          } else if (batch.items.length > 0) {
            await this.#process(batch);
          }
        } catch (err) {
          if (this.#stopping) break;
          // Receive failures (network, permissions): back off so a broken queue is not hammered.
          const delay = exponentialCeilingMs(++this.#receiveFailures, { baseMs: 1000, maxMs: 30_000 });
          this.#log.warn({ err, retryInMs: delay }, 'polling the queue failed');
          await sleepQuietly(this.#clock, delay, this.#pollAbort.signal);
        }
        this.#ensureWorkers();
      }
    } finally {
      this.#workers--;
    }
  }

  /** Fills one batch: BatchSize, batching window (from its first message), 6 MB (P-12), FIFO groups (SQS-24). */
  async #assemble(): Promise<OpenBatch> {
    const { batchSize, maxBatchingWindowMs: window, longPollMs } = this.#o;
    const batch: OpenBatch = { owner: Symbol('batch'), items: [], bytes: this.#source.events.envelopeBytes };
    let payloadFull = this.#buffer.take(batch);
    let windowEnd = batch.items.length > 0 ? this.#clock.now() + window : undefined;
    while (!this.#stopping && !payloadFull && batch.items.length < batchSize) {
      let waitMs = longPollMs; // SQS-1: wait long while no batch is open
      if (windowEnd !== undefined) {
        const remaining = windowEnd - this.#clock.now();
        if (remaining <= 0) break;
        waitMs = Math.min(remaining, longPollMs);
      }
      const want = batchSize - batch.items.length;
      const calls = batch.items.length === 0 ? 1 : Math.min(MAX_PARALLEL_RECEIVES, Math.ceil(want / 10));
      let received: HeldMessage[];
      try {
        received = await this.#receive(want, calls, waitMs);
      } catch (err) {
        if (batch.items.length === 0) throw err;
        if (!this.#stopping) this.#log.warn({ err }, 'receive failed while filling a batch; invoking what it holds');
        break;
      }
      if (received.length === 0 && batch.items.length === 0) break; // idle: let the worker re-check the scale
      this.#buffer.push(this.#dropFilteredOut(received));
      payloadFull = this.#buffer.take(batch);
      if (windowEnd === undefined && batch.items.length > 0) windowEnd = this.#clock.now() + window;
    }
    return batch;
  }

  async #receive(want: number, calls: number, waitMs: number): Promise<HeldMessage[]> {
    const sizes: number[] = [];
    for (let left = want, i = 0; left > 0 && i < calls; i++, left -= 10) sizes.push(Math.min(10, left));
    const settled = await Promise.allSettled(sizes.map((n) => this.#source.receive(n, waitMs, this.#pollAbort.signal)));
    const visibleUntil =
      this.#source.redelivery === 'visibility-timeout' ? this.#clock.now() + this.#o.visibilityTimeoutMs : Infinity;
    const out: HeldMessage[] = [];
    let firstError: unknown;
    settled.forEach((r, i) => {
      if (r.status === 'rejected') {
        firstError ??= r.reason;
        return;
      }
      this.#scaler.onReceive(r.value.length, sizes[i] ?? 0);
      for (const msg of r.value) out.push({ msg, visibleUntil });
    });
    if (out.length === 0 && firstError !== undefined) {
      throw firstError instanceof Error ? firstError : new Error('receive failed', { cause: firstError });
    }
    this.#receiveFailures = 0;
    this.#m.count(QueueMetric.polled, out.length);
    this.#ensureWorkers();
    await this.#settle.extend(out);
    return out;
  }

  /** SQS-26: messages that match no filter are acked at once (FLT-3: checked as they arrive). */
  #dropFilteredOut(received: HeldMessage[]): HeldMessage[] {
    const filter = this.#filter;
    if (!filter || received.length === 0) return received;
    const keep: HeldMessage[] = [];
    const drop: HeldMessage[] = [];
    for (const h of received) {
      let match = true;
      try {
        match = filter.matches(h.msg.record);
      } catch (err) {
        // Never drop a message because the filter broke: keep it and let the function see it.
        this.#log.error({ err, messageId: h.msg.id }, 'filter failed; keeping the message');
      }
      (match ? keep : drop).push(h);
    }
    if (drop.length > 0) {
      this.#m.count(QueueMetric.filteredOut, drop.length);
      this.#track(this.#settle.ack(drop));
    }
    return keep;
  }

  // ---- invoking and outcomes ----------------------------------------------------------------------------

  async #process(batch: OpenBatch): Promise<void> {
    this.#inflight++;
    this.#m.gauge(QueueMetric.inflightBatches, this.#inflight);
    try {
      if (await this.#setAsideOversized(batch)) return;
      const outcome = await this.#batchInvoker.invoke(batch.items);
      const failed = batch.items.filter((h) => outcome.failedIds.has(h.msg.id));
      const succeeded = batch.items.filter((h) => !outcome.failedIds.has(h.msg.id));
      if (this.#o.fifo && failed.length > 0) {
        // SQS-24: later messages of a failed group wait for its retries; hand back the ones this poller holds.
        const groups = new Set(failed.flatMap((h) => (h.msg.groupId === undefined ? [] : [h.msg.groupId])));
        await this.#settle.nack(
          this.#buffer.dropGroups(groups).map((h) => h.msg),
          0,
        );
      }
      await this.#handBack(
        failed.map((h) => h.msg),
        outcome,
      );
      await this.#settle.ack(succeeded);
    } finally {
      this.#buffer.releaseOwner(batch.owner);
      this.#inflight--;
      this.#m.gauge(QueueMetric.inflightBatches, this.#inflight);
    }
  }

  /** What happens to the failed messages of a batch, by how the source takes messages back. */
  async #handBack(failed: QueueMessage[], outcome: Outcome): Promise<void> {
    if (outcome.cause === undefined) this.#failuresInRow = 0;
    if (failed.length === 0) return;
    if (outcome.cause === 'stopped') return this.#settle.nack(failed, 0);
    // Said once per failed batch, so a poison message shows in the log each time it comes back (and leaves).
    this.#log.warn(
      {
        cause: outcome.cause,
        count: failed.length,
        messageIds: failed.slice(0, 10).map((m) => m.id),
        maxReceiveCount: Math.max(...failed.map((m) => m.receiveCount)),
      },
      this.#source.redelivery === 'visibility-timeout'
        ? 'messages failed; the queue delivers them again after their visibility timeout (or to its DLQ)'
        : 'messages failed; handing them back to the broker for redelivery',
    );
    if (this.#source.redelivery === 'visibility-timeout') return; // SQS-11, SQS-14: they come back by themselves
    // RMQ-17: the broker only takes them back on a nack; wait longer after each failure in a row. Stopping: at once,
    // since nobody here will retry them.
    const { initialMs: baseMs, maxMs } = this.#o.retryBackoff;
    const delay = exponentialCeilingMs(++this.#failuresInRow, { baseMs, maxMs });
    await this.#settle.nack(failed, this.#stopping ? 0 : delay);
  }

  /** RMQ-19: on-nack sources never invoke with a message that alone exceeds the payload cap. True if set aside. */
  async #setAsideOversized(batch: OpenBatch): Promise<boolean> {
    const [only] = batch.items;
    if (this.#source.redelivery !== 'on-nack' || batch.items.length !== 1 || only === undefined) return false;
    if (batch.bytes <= this.#o.maxPayloadBytes) return false;
    if (!(await this.#settle.reject(only.msg, batch.bytes))) this.#kept.push(only.msg);
    return true;
  }

  // ---- backlog gauge ----------------------------------------------------------------------------------------

  async #backlogLoop(): Promise<void> {
    const source = this.#source;
    if (!source.backlog || this.#o.backlogIntervalMs <= 0) return;
    while (!this.#stopping) {
      try {
        const n = await source.backlog();
        this.#m.gauge(QueueMetric.backlog, n);
        // FIFO: a deep backlog in few groups cannot use more batches (SQS-7), so only receives drive FIFO growth.
        if (n > 0 && !this.#o.fifo) {
          this.#scaler.onBacklog();
          this.#ensureWorkers();
        }
      } catch (err) {
        this.#log.debug({ err }, 'reading the backlog failed');
      }
      await sleepQuietly(this.#clock, this.#o.backlogIntervalMs, this.#pollAbort.signal);
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  #track(task: Promise<void>): void {
    const t = task.catch((err: unknown) => this.#log.error({ err }, 'queue poller task failed'));
    this.#tasks.add(t);
    void t.finally(() => this.#tasks.delete(t));
  }

  /** Resolves once every task, including ones started meanwhile, has ended. */
  async #allTasks(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }
}
