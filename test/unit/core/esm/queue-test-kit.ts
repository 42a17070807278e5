// Test doubles for the queue poller: a virtual clock, an in-memory queue with SQS's visibility and FIFO
// group rules, a scriptable invoker, and metrics that remember what was written.
import type { Clock } from '../../../../src/ports/clock.js';
import type { InvokeResult, InvokeRequest } from '../../../../src/ports/function-runtime.js';
import type { Logger } from '../../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../../src/ports/metrics.js';
import type { QueueMessage, QueueSource } from '../../../../src/ports/sources.js';
import type { Invoker } from '../../../../src/core/invoke/types.js';

const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

/**
 * Time moves only when every task waits on the clock: each macrotask turn jumps to the earliest timer.
 * Everything in these tests is promise-based, so a setImmediate turn means all microtasks have run.
 */
export class VirtualClock implements Clock {
  #now = 1_700_000_000_000;
  #seq = 0;
  #timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  #scheduled = false;

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(abortError());
      };
      const timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#tick());
  }

  #tick(): void {
    this.#scheduled = false;
    if (this.#timers.length === 0) return;
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = this.#timers[0]!;
    this.#now = Math.max(this.#now, first.at);
    const due = this.#timers.filter((t) => t.at <= this.#now);
    this.#timers = this.#timers.filter((t) => t.at > this.#now);
    for (const t of due) t.fire();
    if (this.#timers.length > 0) this.#schedule();
  }
}

/** Waits (in real macrotask turns, virtual time moving meanwhile) until `cond` holds. */
export async function runUntil(clock: VirtualClock, cond: () => boolean, maxVirtualMs = 600_000): Promise<void> {
  const limit = clock.now() + maxVirtualMs;
  for (let turns = 0; !cond(); turns++) {
    if (clock.now() > limit || turns > 2_000_000) throw new Error(`condition not met within ${maxVirtualMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Lets virtual time run for `ms`. */
export async function runFor(clock: VirtualClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  const keepAlive = clock.sleep(ms);
  await runUntil(clock, () => clock.now() >= until, ms + 1);
  await keepAlive;
}

interface StoredMessage {
  id: string;
  body: string;
  groupId?: string;
  sizeBytes: number;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receipt: number;
  deleted: boolean;
}

/** An in-memory queue with SQS rules: visibility timeout, receipt handles, FIFO group locking (SQS-23, SQS-24). */
export class FakeQueue implements QueueSource {
  readonly kind = 'sqs';
  readonly arn: string;
  readonly messages: StoredMessage[] = [];
  readonly receives: Array<{ max: number; waitMs: number; got: number; at: number }> = [];
  readonly deleteCalls: string[][] = [];
  readonly released: string[] = [];
  readonly releaseCalls: Array<{ ids: string[]; delaySeconds: number; at: number }> = [];
  /** id → how many more delete attempts fail for it. */
  readonly failDeletes = new Map<string, number>();
  #waiters = new Set<AbortController>();
  #seq = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly opts: { visibilityMs?: number; fifo?: boolean } = {},
  ) {
    this.arn = `arn:aws:sqs:us-east-1:000000000000:fake${opts.fifo ? '.fifo' : ''}`;
  }

  send(body: string, o: { groupId?: string; sizeBytes?: number; id?: string } = {}): string {
    const id = o.id ?? `m-${++this.#seq}`;
    this.messages.push({
      id,
      body,
      groupId: o.groupId,
      sizeBytes: o.sizeBytes ?? Buffer.byteLength(body) + 300,
      sentAt: this.clock.now(),
      receiveCount: 0,
      visibleAt: 0,
      receipt: 0,
      deleted: false,
    });
    for (const w of this.#waiters) w.abort();
    return id;
  }

  sendMany(n: number, make: (i: number) => { body?: string; groupId?: string; sizeBytes?: number } = () => ({})): void {
    for (let i = 0; i < n; i++) {
      const m = make(i);
      this.send(m.body ?? `body-${i}`, m);
    }
  }

  get live(): StoredMessage[] {
    return this.messages.filter((m) => !m.deleted);
  }

  get deletedIds(): string[] {
    return this.messages.filter((m) => m.deleted).map((m) => m.id);
  }

  async receive(max: number, waitMs: number, signal: AbortSignal): Promise<QueueMessage[]> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      if (signal.aborted) throw abortError();
      const got = this.#take(max);
      if (got.length > 0 || this.clock.now() >= deadline) {
        this.receives.push({ max, waitMs, got: got.length, at: this.clock.now() });
        return got;
      }
      const now = this.clock.now();
      const nextVisible = Math.min(...this.live.filter((m) => m.visibleAt > now).map((m) => m.visibleAt), Infinity);
      const wake = new AbortController();
      const onAbort = () => wake.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(wake);
      try {
        await this.clock.sleep(Math.min(deadline, nextVisible) - now, wake.signal);
      } catch {
        // woken by a send or by abort
      } finally {
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  #take(max: number): QueueMessage[] {
    const now = this.clock.now();
    const visibility = this.opts.visibilityMs ?? 30_000;
    const lockedGroups = new Set<string>();
    if (this.opts.fifo) {
      for (const m of this.live) if (m.visibleAt > now && m.groupId !== undefined) lockedGroups.add(m.groupId);
    }
    const out: QueueMessage[] = [];
    const skippedGroups = new Set<string>();
    for (const m of this.live) {
      if (out.length >= max) break;
      const g = this.opts.fifo ? m.groupId : undefined;
      if (g !== undefined && (lockedGroups.has(g) || skippedGroups.has(g))) continue;
      if (m.visibleAt > now) {
        if (g !== undefined) skippedGroups.add(g);
        continue;
      }
      m.receiveCount++;
      m.receipt++;
      m.visibleAt = now + visibility;
      out.push(this.#toMessage(m));
    }
    return out;
  }

  #toMessage(m: StoredMessage): QueueMessage {
    return {
      id: m.id,
      groupId: m.groupId,
      sizeBytes: m.sizeBytes,
      sentAtMs: m.sentAt,
      receiveCount: m.receiveCount,
      record: {
        messageId: m.id,
        receiptHandle: `${m.id}#${m.receipt}`,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount), MessageGroupId: m.groupId },
        eventSource: 'aws:sqs',
      },
    };
  }

  #find(msg: QueueMessage): StoredMessage | undefined {
    const m = this.messages.find((s) => s.id === msg.id);
    return m && `${m.id}#${m.receipt}` === msg.record['receiptHandle'] ? m : undefined;
  }

  delete(msgs: readonly QueueMessage[]): Promise<string[]> {
    this.deleteCalls.push(msgs.map((m) => m.id));
    const failed: string[] = [];
    for (const msg of msgs) {
      const fails = this.failDeletes.get(msg.id) ?? 0;
      const m = this.#find(msg);
      if (fails > 0 || !m) {
        this.failDeletes.set(msg.id, fails - 1);
        failed.push(msg.id);
        continue;
      }
      m.deleted = true;
    }
    return Promise.resolve(failed);
  }

  release(msgs: readonly QueueMessage[], delaySeconds: number): Promise<void> {
    this.releaseCalls.push({ ids: msgs.map((m) => m.id), delaySeconds, at: this.clock.now() });
    for (const msg of msgs) {
      const m = this.#find(msg);
      if (!m) continue;
      m.visibleAt = this.clock.now() + delaySeconds * 1000;
      if (delaySeconds === 0) this.released.push(m.id);
    }
    for (const w of this.#waiters) w.abort();
    return Promise.resolve();
  }

  backlog(): Promise<number> {
    const now = this.clock.now();
    return Promise.resolve(this.live.filter((m) => m.visibleAt <= now).length);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface SeenRecord {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; MessageGroupId?: string };
}

export type Handler = (records: SeenRecord[], call: number) => InvokeResult | Promise<InvokeResult>;

export const ok = (response?: unknown): InvokeResult => ({
  kind: 'success',
  payload: Buffer.from(response === undefined ? '' : JSON.stringify(response)),
  durationMs: 1,
  coldStart: false,
});
export const okRaw = (text: string): InvokeResult => ({
  kind: 'success',
  payload: Buffer.from(text),
  durationMs: 1,
  coldStart: false,
});
export const fnError = (response?: unknown): InvokeResult => ({
  kind: 'function-error',
  payload: Buffer.from(JSON.stringify(response ?? { errorType: 'Error', errorMessage: 'boom' })),
  errorType: 'Error',
  durationMs: 1,
  coldStart: false,
});
export const throttle = (): InvokeResult => ({
  kind: 'throttle',
  reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  message: 'Rate Exceeded.',
});

/** Records every batch; runs `handler` (default: success after `durationMs` of virtual time). */
export class FakeInvoker implements Invoker {
  readonly batches: Array<{ records: SeenRecord[]; at: number }> = [];
  concurrent = 0;
  maxConcurrent = 0;
  /** Highest concurrency seen, sampled per virtual-time window by tests that need it. */
  readonly concurrencyLog: Array<{ at: number; concurrent: number }> = [];

  constructor(
    private readonly clock: VirtualClock,
    public handler: Handler = () => ok(),
    public durationMs = 0,
  ) {}

  async invoke(_fn: string, req: InvokeRequest, opts?: { signal?: AbortSignal }): Promise<InvokeResult> {
    const event = JSON.parse(req.payload.toString('utf8')) as { Records: SeenRecord[] };
    const call = this.batches.length;
    this.batches.push({ records: event.Records, at: this.clock.now() });
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    this.concurrencyLog.push({ at: this.clock.now(), concurrent: this.concurrent });
    try {
      if (this.durationMs > 0) await this.clock.sleep(this.durationMs, opts?.signal);
      return await this.handler(event.Records, call);
    } finally {
      this.concurrent--;
    }
  }

  has(): boolean {
    return true;
  }

  get ids(): string[] {
    return this.batches.flatMap((b) => b.records.map((r) => r.messageId));
  }
}

export class RecordingMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  readonly gaugeHistory: Array<{ name: string; value: number }> = [];
  lastLabels: Labels | undefined;

  inc(name: string, labels?: Labels, value = 1): void {
    this.lastLabels = labels;
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }

  set(name: string, labels: Labels, value: number): void {
    this.lastLabels = labels;
    this.gauges.set(name, value);
    this.gaugeHistory.push({ name, value });
  }

  observe(): void {}

  count(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
