// Test doubles for the queue poller: a virtual clock, a scriptable invoker, and metrics that remember what was
// written. The fake queue is in queue-fake.ts.
import type { Clock } from '../../../../src/ports/clock.js';
import type { InvokeResult, InvokeRequest } from '../../../../src/ports/function-runtime.js';
import type { Logger } from '../../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../../src/ports/metrics.js';
import type { Invoker } from '../../../../src/core/invoke/types.js';

export const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

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
    // The SQS-like fake's event is {Records}; its on-nack mode's is {messages} (the connector's own envelope).
    const event = JSON.parse(req.payload.toString('utf8')) as { Records?: SeenRecord[]; messages?: SeenRecord[] };
    const records = event.Records ?? event.messages ?? [];
    const call = this.batches.length;
    this.batches.push({ records, at: this.clock.now() });
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    this.concurrencyLog.push({ at: this.clock.now(), concurrent: this.concurrent });
    try {
      if (this.durationMs > 0) await this.clock.sleep(this.durationMs, opts?.signal);
      return await this.handler(records, call);
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
