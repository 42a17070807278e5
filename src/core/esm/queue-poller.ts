import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { QueueMessage, QueueSource } from '../../ports/sources.js';
import type { Invoker } from '../invoke/types.js';
import { readBatchResponse } from './queue-batch-response.js';
import { EVENT_ENVELOPE_BYTES, QueueBuffer, type HeldMessage, type OpenBatch } from './queue-buffer.js';
import { QueueMappingMetrics, QueueMetric } from './queue-metrics.js';
import { resolveQueueOptions, type QueueMappingOptions, type ResolvedQueueOptions } from './queue-options.js';
import { QueueScaler } from './queue-scaler.js';

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
  /** FilterCriteria; messages it rejects are deleted (SQS-26). */
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
  /** Stops polling, lets running batches finish for up to `graceMs`, then aborts them and releases held messages. */
  stop(graceMs: number): Promise<void>;
  status(): QueuePollerStatus;
}

/** Most ReceiveMessage calls one batch makes at once while it fills (each returns up to 10). */
const MAX_PARALLEL_RECEIVES = 10;
const MAX_DELETE_ATTEMPTS = 5;

interface Outcome {
  /** Message ids to keep on the queue (they come back after their visibility timeout). */
  failedIds: ReadonlySet<string>;
  /** Make the kept messages visible at once: only when sluice gave up for its own reasons (stop). */
  release: boolean;
}

export function createQueuePoller(deps: QueuePollerDeps): QueuePoller {
  return new QueuePollerImpl(deps);
}

/**
 * The SQS-style poller (spec §2): `scaler.target` workers each assemble a batch from one or more receives
 * (BatchSize, batching window from the batch's first message, 6 MB), filter, invoke, then delete what succeeded.
 *
 * Decisions:
 * - Function error: nothing is deleted and nothing is made visible early (SQS-11); the queue's visibility timeout
 *   brings messages back and its redrive policy moves them to its DLQ (SQS-15).
 * - Throttle / system error: the same batch is invoked again with exponential backoff (honouring Retry-After) until
 *   its visibility timeout would run out, then left to reappear on its own (SQS-14). It is not made visible early:
 *   the function has no capacity, so handing it to another poller at once would only add throttles.
 * - ChangeMessageVisibility (`release`) is used only when sluice itself lets go of messages: on stop, for FIFO
 *   messages queued behind a failed message of their group (SQS-24), and to extend visibility (SQS-12).
 * - The source is the caller's: stop() does not close it.
 */
class QueuePollerImpl implements QueuePoller {
  readonly #o: ResolvedQueueOptions;
  readonly #source: QueueSource;
  readonly #invoker: Invoker;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #filter: RecordFilter | undefined;
  readonly #m: QueueMappingMetrics;
  readonly #scaler: QueueScaler;
  readonly #buffer: QueueBuffer;
  readonly #pollAbort = new AbortController();
  readonly #invokeAbort = new AbortController();
  readonly #tasks = new Set<Promise<void>>();
  #started = false;
  #stopping = false;
  #workers = 0;
  #inflight = 0;
  #receiveFailures = 0;
  #stopped: Promise<void> | undefined;

  constructor(deps: QueuePollerDeps) {
    this.#o = resolveQueueOptions(deps.options);
    this.#source = deps.source;
    this.#invoker = deps.invoker;
    this.#clock = deps.clock;
    this.#filter = deps.filter;
    this.#log = deps.logger.child({ mapping: this.#o.mappingId, function: this.#o.functionName });
    this.#m = new QueueMappingMetrics(deps.metrics, this.#o.mappingId, this.#o.functionName, deps.source.kind);
    this.#scaler = new QueueScaler(
      this.#o.scaling,
      this.#o.maximumConcurrency,
      () => this.#clock.now(),
      this.#o.concurrencyLimit,
    );
    this.#buffer = new QueueBuffer(this.#o.fifo);
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
    if (!(await this.#settlesWithin(idle, graceMs))) {
      this.#log.warn({ inflight: this.#inflight }, 'grace period over: aborting running invocations');
      this.#invokeAbort.abort();
      await this.#settlesWithin(this.#allTasks(), Math.max(graceMs, 1000));
    }
    await this.#release(this.#buffer.drain().map((h) => h.msg));
    this.#m.gauge(QueueMetric.concurrency, 0);
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
  }

  async #worker(): Promise<void> {
    try {
      while (!this.#stopping && this.#workers <= this.#scaler.target) {
        try {
          const batch = await this.#assemble();
          if (batch.items.length > 0 && this.#stopping) {
            // stopping while it filled: hand it back rather than start an invocation now
            this.#buffer.releaseOwner(batch.owner);
            await this.#release(batch.items.map((h) => h.msg));
          } else if (batch.items.length > 0) {
            await this.#process(batch);
          }
        } catch (err) {
          if (this.#stopping) break;
          // Receive failures (network, permissions): back off so a broken queue is not hammered.
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.#receiveFailures++, 5));
          this.#log.warn({ err, retryInMs: delay }, 'polling the queue failed');
          await this.#pause(delay);
        }
        this.#ensureWorkers();
      }
    } finally {
      this.#workers--;
    }
  }

  /** Fills one batch: BatchSize, batching window (from its first message), 6 MB (P-12), FIFO groups (SQS-24). */
  async #assemble(): Promise<OpenBatch> {
    const { batchSize, maxBatchingWindowMs: window, longPollMs, maxPayloadBytes } = this.#o;
    const limits = { batchSize, maxPayloadBytes };
    const batch: OpenBatch = { owner: Symbol('batch'), items: [], bytes: EVENT_ENVELOPE_BYTES };
    let payloadFull = this.#buffer.take(batch, limits);
    let windowEnd = batch.items.length > 0 ? this.#clock.now() + window : undefined;
    while (!this.#stopping && !payloadFull && batch.items.length < batchSize) {
      let waitMs = longPollMs; // SQS-1: long-poll while no batch is open
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
      payloadFull = this.#buffer.take(batch, limits);
      if (windowEnd === undefined && batch.items.length > 0) windowEnd = this.#clock.now() + window;
    }
    return batch;
  }

  async #receive(want: number, calls: number, waitMs: number): Promise<HeldMessage[]> {
    const sizes: number[] = [];
    for (let left = want, i = 0; left > 0 && i < calls; i++, left -= 10) sizes.push(Math.min(10, left));
    const settled = await Promise.allSettled(sizes.map((n) => this.#source.receive(n, waitMs, this.#pollAbort.signal)));
    const visibleUntil = this.#clock.now() + this.#o.visibilityTimeoutMs;
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
    await this.#extendVisibility(out);
    return out;
  }

  /**
   * SQS-12: when batching window + function timeout exceed the queue's visibility timeout, messages would come back
   * while their batch is still filling or running; extend them to window + function timeout + 30 s.
   */
  async #extendVisibility(items: HeldMessage[]): Promise<void> {
    const { maxBatchingWindowMs, functionTimeoutMs, visibilityTimeoutMs } = this.#o;
    if (items.length === 0 || !this.#source.release || maxBatchingWindowMs + functionTimeoutMs <= visibilityTimeoutMs) {
      return;
    }
    const seconds = Math.ceil((maxBatchingWindowMs + functionTimeoutMs) / 1000) + 30;
    const now = this.#clock.now();
    try {
      await this.#source.release(
        items.map((h) => h.msg),
        seconds,
      );
      for (const h of items) h.visibleUntil = now + seconds * 1000;
    } catch (err) {
      this.#log.warn({ err }, 'could not extend the visibility timeout of a filling batch');
    }
  }

  /** SQS-26: messages that match no filter are deleted from the queue (FLT-3: checked as they arrive). */
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
        // Never delete a message because the filter broke: keep it and let the function see it.
        this.#log.error({ err, messageId: h.msg.id }, 'filter failed; keeping the message');
      }
      (match ? keep : drop).push(h);
    }
    if (drop.length > 0) {
      this.#m.count(QueueMetric.filteredOut, drop.length);
      this.#track(this.#deleteWithRetry(drop));
    }
    return keep;
  }

  // ---- invoking and outcomes ----------------------------------------------------------------------------

  async #process(batch: OpenBatch): Promise<void> {
    this.#inflight++;
    this.#m.gauge(QueueMetric.inflightBatches, this.#inflight);
    try {
      const outcome = await this.#invokeUntilDone(batch.items);
      const failed = batch.items.filter((h) => outcome.failedIds.has(h.msg.id));
      const succeeded = batch.items.filter((h) => !outcome.failedIds.has(h.msg.id));
      if (this.#o.fifo && failed.length > 0) {
        // SQS-24: later messages of a failed group wait for its retries; hand back the ones this poller holds.
        const groups = new Set(failed.flatMap((h) => (h.msg.groupId === undefined ? [] : [h.msg.groupId])));
        await this.#release(this.#buffer.dropGroups(groups).map((h) => h.msg));
      }
      if (outcome.release) await this.#release(failed.map((h) => h.msg));
      await this.#deleteWithRetry(succeeded);
    } finally {
      this.#buffer.releaseOwner(batch.owner);
      this.#inflight--;
      this.#m.gauge(QueueMetric.inflightBatches, this.#inflight);
    }
  }

  async #invokeUntilDone(items: readonly HeldMessage[]): Promise<Outcome> {
    const n = items.length;
    const all = new Set(items.map((h) => h.msg.id));
    const payload = Buffer.from(JSON.stringify({ Records: items.map((h) => h.msg.record) }));
    // SQS-14: throttled invokes are retried until the messages' visibility timeout runs out.
    const deadline = Math.min(...items.map((h) => h.visibleUntil));
    for (let attempt = 0; ; attempt++) {
      const result = await this.#invokeOnce(payload);
      switch (result.kind) {
        case 'success': {
          this.#m.count(QueueMetric.invoked, n);
          if (!this.#o.reportBatchItemFailures) return { failedIds: new Set(), release: false };
          const verdict = readBatchResponse(result.payload, all);
          if (verdict.kind === 'all-succeeded') return { failedIds: new Set(), release: false };
          if (verdict.kind === 'partial') {
            this.#m.count(QueueMetric.failedInvoke, verdict.failedIds.size); // SQS-22
            return { failedIds: verdict.failedIds, release: false };
          }
          this.#m.count(QueueMetric.failedInvoke, n);
          this.#log.warn({ reason: verdict.reason }, 'invalid batch item failure response: the whole batch failed');
          return { failedIds: all, release: false };
        }
        case 'function-error':
          // SQS-11, SQS-20: nothing is deleted; messages come back after their visibility timeout.
          this.#m.count(QueueMetric.invoked, n);
          this.#m.count(QueueMetric.failedInvoke, n);
          this.#scaler.onFunctionError(this.#o.reportBatchItemFailures);
          return { failedIds: all, release: false };
        case 'throttle':
          this.#scaler.onThrottle();
          break;
        case 'system-error':
          this.#m.count(QueueMetric.failedInvoke, n);
          break;
      }
      if (this.#invokeAbort.signal.aborted || this.#stopping) return { failedIds: all, release: true };
      const retryAfterMs = result.kind === 'throttle' ? (result.retryAfterSeconds ?? 0) * 1000 : 0;
      const backoff = Math.min(this.#o.retryBackoff.maxMs, this.#o.retryBackoff.initialMs * 2 ** Math.min(attempt, 20));
      const delay = Math.max(backoff, retryAfterMs);
      if (this.#clock.now() + delay >= deadline) {
        this.#log.warn(
          { kind: result.kind, attempts: attempt + 1 },
          'could not invoke before the visibility timeout ran out; messages go back to the queue',
        );
        return { failedIds: all, release: false };
      }
      await this.#pause(delay);
    }
  }

  async #invokeOnce(payload: Buffer): Promise<InvokeResult> {
    try {
      return await this.#invoker.invoke(
        this.#o.functionName,
        { requestId: randomUUID(), payload },
        { signal: this.#invokeAbort.signal, source: 'esm' },
      );
    } catch (err) {
      this.#log.error({ err }, 'invoker failed');
      return { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message: String(err) };
    }
  }

  /** Deletes, retrying messages the queue did not delete (never ignored), within the visibility timeout. */
  async #deleteWithRetry(items: readonly HeldMessage[]): Promise<void> {
    if (items.length === 0) return;
    const deadline = Math.min(...items.map((h) => h.visibleUntil));
    let left: QueueMessage[] = items.map((h) => h.msg);
    for (let attempt = 1; left.length > 0; attempt++) {
      let failedIds: ReadonlySet<string>;
      try {
        failedIds = new Set(await this.#source.delete(left));
      } catch (err) {
        this.#log.warn({ err }, 'delete failed');
        failedIds = new Set(left.map((m) => m.id));
      }
      const remaining = left.filter((m) => failedIds.has(m.id));
      this.#m.count(QueueMetric.deleted, left.length - remaining.length);
      left = remaining;
      if (left.length === 0) return;
      const delay = Math.min(this.#o.retryBackoff.maxMs, this.#o.retryBackoff.initialMs * 2 ** (attempt - 1));
      if (attempt >= MAX_DELETE_ATTEMPTS || this.#clock.now() + delay >= deadline) {
        this.#log.error(
          { count: left.length, messageIds: left.slice(0, 10).map((m) => m.id) },
          'could not delete processed messages; the queue will deliver them again',
        );
        return;
      }
      await this.#clock.sleep(delay);
    }
  }

  async #release(msgs: QueueMessage[]): Promise<void> {
    if (msgs.length === 0 || !this.#source.release) return;
    try {
      await this.#source.release(msgs, 0);
    } catch (err) {
      this.#log.warn(
        { err, count: msgs.length },
        'could not release messages; they return after their visibility timeout',
      );
    }
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
      await this.#pause(this.#o.backlogIntervalMs);
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

  async #settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
    const timer = new AbortController();
    const done = p.then(() => true);
    const timeout = this.#clock.sleep(ms, timer.signal).then(
      () => false,
      () => false,
    );
    const result = await Promise.race([done, timeout]);
    timer.abort();
    return result;
  }

  async #pause(ms: number): Promise<void> {
    try {
      await this.#clock.sleep(ms, this.#pollAbort.signal);
    } catch {
      // aborted by stop()
    }
  }
}
