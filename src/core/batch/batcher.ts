// The core's one batcher: items wait in arrival order until BatchSize is reached, the event would reach the payload
// cap, or the batching window is over (P-12, P-13, STR-2); batches are cut at BatchSize and the cap, counted on the
// event as sent. It knows nothing of shards, windows or queues: the caller says how big an item is, how big the
// event around the items is, and where a batch must stop (a tumbling window's end). The queue poller fills one
// batch over several takes (`taken`) and leaves items of a FIFO group in flight waiting (`skip`, SQS-24); its window
// runs from the batch's first message (SQS-2), so it keeps that per open batch and uses no `ready`/`deadline` here.

export interface BatchLimits {
  batchSize: number;
  maxBatchingWindowMs: number;
  /** Largest event sent to the function (6 MB by default). */
  maxPayloadBytes: number;
  /** Bytes between two items of the event (a comma); 0 when the item sizes already count it (queue messages). */
  separatorBytes?: number;
}

export interface Cut<T> {
  items: T[];
  /** One item whose event alone is over the cap (P-12): it can never be sent. */
  tooLarge: boolean;
  /** The cap ended the cut: the next item would have passed it. */
  capped: boolean;
}

/** How a take continues a batch that is filled over several takes (the queue poller's). */
export interface TakeMore<T> {
  /** Items the batch already holds: they count toward BatchSize, and a lone oversized item is only a first one. */
  taken?: number;
  /** Items left waiting in place while the take goes on past them (SQS-24: their FIFO group has a batch in flight). */
  skip?: (item: T) => boolean;
}

export class Batcher<T> {
  // Items are queue[start..]: a take moves `start` instead of splicing the front off a read-ahead of thousands.
  private queue: Array<T | undefined> = [];
  private start = 0;
  /** Sum of the queued items' sizes. */
  private bytes = 0;
  /** When the queue last went from empty to non-empty. */
  private firstQueuedAt: number;
  /** P-13: the next batching window starts when the previous invocation finished. */
  private lastDoneAt: number;

  constructor(
    private readonly limits: BatchLimits,
    /** Bytes of an item in the event as sent (its JSON). */
    private readonly sizeOf: (item: T) => number,
    now: number,
  ) {
    this.firstQueuedAt = now;
    this.lastDoneAt = now;
  }

  get length(): number {
    return this.queue.length - this.start;
  }

  /** Sum of the waiting items' sizes. */
  get queuedBytes(): number {
    return this.bytes;
  }

  head(): T | undefined {
    return this.queue[this.start];
  }

  push(item: T, now: number): void {
    if (this.length === 0) this.firstQueuedAt = now;
    this.queue.push(item);
    this.bytes += this.sizeOf(item);
  }

  /** Takes out every waiting item for which `pred` holds, in order (stop, FIFO groups behind a failure). */
  remove(pred: (item: T) => boolean): T[] {
    this.compact();
    const out: T[] = [];
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const item = this.queue[i] as T;
      if (!pred(item)) continue;
      out.unshift(item);
      this.queue.splice(i, 1);
      this.bytes -= this.sizeOf(item);
    }
    return out;
  }

  /** Puts items of a batch that could not run back at the front, in order. */
  requeue(items: readonly T[]): void {
    this.compact();
    this.queue.unshift(...items);
    this.bytes = this.queue.reduce((n: number, item) => n + this.sizeOf(item as T), 0);
  }

  /** The previous batch finished: the batching window starts again now (P-13). */
  batchDone(now: number): void {
    this.lastDoneAt = now;
    this.firstQueuedAt = now;
  }

  /** When the batching window of what is queued is over. */
  deadline(): number {
    return Math.max(this.firstQueuedAt, this.lastDoneAt) + this.limits.maxBatchingWindowMs;
  }

  /** A full batch waits (BatchSize, or the cap with `envelopeBytes` around the items), or the window is over. */
  ready(now: number, envelopeBytes: number): boolean {
    const limits = this.limits;
    const length = this.length;
    const eventBytes = envelopeBytes + this.bytes + length - 1;
    if (length >= limits.batchSize || eventBytes >= limits.maxPayloadBytes) return true;
    return now >= this.deadline();
  }

  /**
   * Takes items in order up to BatchSize and the payload cap, the event counted as sent: `overheadBytes` (the
   * envelope and whatever the caller adds), each item and a separator between items. Stops before the first item for
   * which `stopBefore` holds. A lone item whose event is over the cap comes back as `tooLarge`.
   */
  take(overheadBytes: number, stopBefore?: (item: T) => boolean, more: TakeMore<T> = {}): Cut<T> {
    const { batchSize, maxPayloadBytes, separatorBytes = 1 } = this.limits;
    const taken = more.taken ?? 0;
    const budget = maxPayloadBytes - overheadBytes;
    const items: T[] = [];
    const skipped: T[] = [];
    let bytes = 0;
    let itemBytes = 0;
    let capped = false;
    let seen = 0;
    const queue = this.queue;
    for (let i = this.start; i < queue.length; i++) {
      const item = queue[i] as T;
      if (taken + items.length >= batchSize) break;
      seen++;
      if (more.skip?.(item)) {
        skipped.push(item);
        continue;
      }
      const size = this.sizeOf(item);
      const first = taken + items.length === 0;
      const adds = size + (first ? 0 : separatorBytes);
      // A lone oversized item goes alone: the next item ends the cut here.
      if (!first && bytes + adds > budget) {
        capped = true;
        seen--;
        break;
      }
      if (stopBefore?.(item)) {
        seen--;
        break;
      }
      items.push(item);
      bytes += adds;
      itemBytes += size;
    }
    // Skipped items stay waiting, in order, right before the rest; the freed slots let go of their items.
    const from = this.start;
    this.start += seen - skipped.length;
    for (let i = from; i < this.start; i++) queue[i] = undefined;
    for (let i = 0; i < skipped.length; i++) queue[this.start + i] = skipped[i];
    this.bytes -= itemBytes;
    if (this.start === queue.length) {
      queue.length = 0;
      this.start = 0;
    } else if (this.start > 1024 && this.start * 2 > queue.length) this.compact();
    return { items, tooLarge: items.length > 0 && bytes > budget, capped };
  }

  /** Drops the taken slots at the front. */
  private compact(): void {
    if (this.start === 0) return;
    this.queue = this.queue.slice(this.start);
    this.start = 0;
  }
}
