// The core's one batcher: items wait in arrival order until BatchSize is reached, the event would reach the payload
// cap, or the batching window is over (P-12, P-13, STR-2); batches are cut at BatchSize and the cap, counted on the
// event as sent. It knows nothing of shards, windows or queues: the caller says how big an item is, how big the
// event around the items is, and where a batch must stop (a tumbling window's end).

export interface BatchLimits {
  batchSize: number;
  maxBatchingWindowMs: number;
  /** Largest event sent to the function (6 MB by default). */
  maxPayloadBytes: number;
}

export interface Cut<T> {
  items: T[];
  /** One item whose event alone is over the cap (P-12): it can never be sent. */
  tooLarge: boolean;
}

export class Batcher<T> {
  private readonly queue: T[] = [];
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
    return this.queue.length;
  }

  head(): T | undefined {
    return this.queue[0];
  }

  push(item: T, now: number): void {
    if (this.queue.length === 0) this.firstQueuedAt = now;
    this.queue.push(item);
    this.bytes += this.sizeOf(item);
  }

  /** Puts items of a batch that could not run back at the front, in order. */
  requeue(items: readonly T[]): void {
    this.queue.unshift(...items);
    this.bytes = this.queue.reduce((n, item) => n + this.sizeOf(item), 0);
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
    const eventBytes = envelopeBytes + this.bytes + this.queue.length - 1;
    if (this.queue.length >= limits.batchSize || eventBytes >= limits.maxPayloadBytes) return true;
    return now >= this.deadline();
  }

  /**
   * Takes items in order up to BatchSize and the payload cap, the event counted as sent: `overheadBytes` (the
   * envelope and whatever the caller adds), each item and a comma between items. Stops before the first item for
   * which `stopBefore` holds. A lone item whose event is over the cap comes back as `tooLarge`.
   */
  take(overheadBytes: number, stopBefore?: (item: T) => boolean): Cut<T> {
    const { batchSize, maxPayloadBytes } = this.limits;
    const budget = maxPayloadBytes - overheadBytes;
    const items: T[] = [];
    let bytes = 0;
    let itemBytes = 0;
    for (const item of this.queue) {
      if (items.length >= batchSize) break;
      const size = this.sizeOf(item);
      const adds = size + (items.length > 0 ? 1 : 0); // the comma before it
      if (items.length > 0 && bytes + adds > budget) break;
      if (stopBefore?.(item)) break;
      items.push(item);
      bytes += adds;
      itemBytes += size;
      if (bytes > budget) break; // a lone oversized item, discarded without invoking
    }
    this.queue.splice(0, items.length);
    this.bytes -= itemBytes;
    return { items, tooLarge: bytes > budget };
  }
}
