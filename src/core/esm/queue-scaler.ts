import type { ProvisionedPollerBounds, QueueScalingOptions } from './queue-options.js';

/**
 * How many batches a queue mapping runs at once (SQS-2..7, SQS-13, SQS-14, D-10).
 *
 * - Messages appear: at least `initial` (5) concurrent batches (SQS-2).
 * - A receive came back full (backlog remains) or the backlog gauge is above 0: add up to `addPerMinute` (SQS-3),
 *   never above min(MaximumConcurrency, the function's or account's concurrency, `max`) (SQS-5, SQS-6, D-10).
 * - A receive came back partly filled (low traffic): shrink back towards `initial`; empty (idle): towards the
 *   floor (`min` = 2, or `initial` capped by MaximumConcurrency when that is set) (SQS-4).
 * - Function error: one fewer, unless ReportBatchItemFailures is on (SQS-13). Throttle: one fewer, down to 1,
 *   since function/account concurrency is the real limit (SQS-5, SQS-14). Both pause growth for `cooldownMs`.
 * - A source with fixed concurrency (RMQ-15) never scales: see `QueueScaler.fixed`.
 * - Provisioned mode (PRV-8, PRV-9): the same rules between MinimumPollers (always running, even idle or throttled)
 *   and MaximumPollers, growing at `provisionedAddPerMinute`: see `QueueScaler.provisioned`.
 */
export class QueueScaler {
  #target: number;
  #lastGrowAt: number | undefined;
  #holdUntil = 0;
  /** Shrunk because the queue was empty (not because of errors): messages bring back `initial` at once. */
  #idle = false;
  readonly #cap: number;
  readonly #floor: number;
  readonly #intervalMs: number;
  #fixed = false;
  /** Throttles shrink down to this (1; provisioned mode: MinimumPollers). */
  #throttleFloor = 1;

  /** Exactly `n` concurrent batches whatever happens (RMQ-15). */
  static fixed(n: number, now: () => number): QueueScaler {
    const s = new QueueScaler(
      { initial: n, min: n, max: n, addPerMinute: 1, cooldownMs: 0, provisionedAddPerMinute: 1 },
      undefined,
      now,
    );
    s.#fixed = true;
    return s;
  }

  /** PRV-9: pollers between the bounds (capped by the function's concurrency), added at the provisioned rate. */
  static provisioned(
    p: ProvisionedPollerBounds,
    opts: QueueScalingOptions,
    now: () => number,
    concurrencyLimit?: number,
  ): QueueScaler {
    const bounds = { ...opts, initial: p.minimumPollers, min: p.minimumPollers, max: p.maximumPollers };
    const s = new QueueScaler(
      { ...bounds, addPerMinute: opts.provisionedAddPerMinute },
      undefined,
      now,
      concurrencyLimit,
    );
    s.#throttleFloor = s.#floor;
    return s;
  }

  constructor(
    private readonly opts: QueueScalingOptions,
    maximumConcurrency: number | undefined,
    private readonly now: () => number,
    concurrencyLimit?: number,
  ) {
    this.#cap = Math.max(1, Math.min(maximumConcurrency ?? Infinity, concurrencyLimit ?? Infinity, opts.max));
    this.#floor = maximumConcurrency !== undefined ? Math.min(opts.initial, this.#cap) : Math.min(opts.min, this.#cap);
    this.#intervalMs = 60_000 / opts.addPerMinute;
    this.#target = Math.min(opts.initial, this.#cap);
  }

  get target(): number {
    return this.#target;
  }

  get cap(): number {
    return this.#cap;
  }

  /** A receive returned `got` of the `asked` messages. */
  onReceive(got: number, asked: number): void {
    if (this.#fixed) return;
    if (got === 0) {
      this.#lastGrowAt = undefined;
      if (this.#target > this.#floor) {
        this.#target--;
        this.#idle = true;
      }
      return;
    }
    // SQS-2: after an idle spell, messages bring back the initial concurrency at once.
    const initial = Math.min(this.opts.initial, this.#cap);
    if (this.#idle && this.#target < initial) this.#target = initial;
    this.#idle = false;
    if (got >= asked) this.onBacklog();
    else if (this.#target > initial) this.#target--;
  }

  /** Messages remain in the queue: grow at the configured rate. */
  onBacklog(): void {
    if (this.#fixed) return;
    const now = this.now();
    if (now < this.#holdUntil || this.#target >= this.#cap) {
      this.#lastGrowAt = undefined;
      return;
    }
    if (this.#lastGrowAt === undefined) {
      this.#lastGrowAt = now;
      return;
    }
    const steps = Math.floor((now - this.#lastGrowAt) / this.#intervalMs);
    if (steps <= 0) return;
    this.#target = Math.min(this.#cap, this.#target + steps);
    this.#lastGrowAt += steps * this.#intervalMs;
  }

  onFunctionError(reportBatchItemFailures: boolean): void {
    if (reportBatchItemFailures || this.#fixed) return;
    this.#hold();
    if (this.#target > this.#floor) this.#target--;
  }

  onThrottle(): void {
    if (this.#fixed) return;
    this.#hold();
    if (this.#target > this.#throttleFloor) this.#target--;
  }

  #hold(): void {
    this.#idle = false;
    this.#holdUntil = this.now() + this.opts.cooldownMs;
    this.#lastGrowAt = undefined;
  }
}
