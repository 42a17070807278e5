import type { QueueMessage } from '../../ports/queue-source.js';

export interface HeldMessage {
  msg: QueueMessage;
  /**
   * When the source takes it back by itself (its visibility timeout, counted from when this poller received it);
   * Infinity when only a nack or a closed connection does (`redelivery: 'on-nack'`).
   */
  visibleUntil: number;
}

/** A batch being assembled or invoked. */
export interface OpenBatch {
  readonly owner: symbol;
  readonly items: HeldMessage[];
  /** JSON bytes of the event so far: the source's envelope and its messages (P-12). */
  bytes: number;
}

export interface TakeLimits {
  batchSize: number;
  maxPayloadBytes: number;
}

/**
 * Messages received but not yet in a batch, shared by the mapping's batches. Receives ask for no more than a batch
 * needs, so this holds only the overflow of the 6 MB cap and, for FIFO, messages whose group has a batch in flight
 * (SQS-24: one batch per group at a time; order per group is arrival order).
 */
export class QueueBuffer {
  #pending: HeldMessage[] = [];
  readonly #busy = new Map<string, symbol>();

  constructor(private readonly fifo: boolean) {}

  get size(): number {
    return this.#pending.length;
  }

  push(items: readonly HeldMessage[]): void {
    this.#pending.push(...items);
  }

  /** Moves messages into `batch` in arrival order. Returns true when the payload cap closed the batch. */
  take(batch: OpenBatch, limits: TakeLimits): boolean {
    const kept: HeldMessage[] = [];
    let payloadFull = false;
    for (const item of this.#pending) {
      const stop = payloadFull || batch.items.length >= limits.batchSize;
      const group = this.fifo ? item.msg.groupId : undefined;
      const owner = group === undefined ? undefined : this.#busy.get(group);
      if (stop || (owner !== undefined && owner !== batch.owner)) {
        kept.push(item);
        continue;
      }
      // P-12: close before the event would pass the cap; a lone oversized message still goes alone.
      if (batch.items.length > 0 && batch.bytes + item.msg.sizeBytes > limits.maxPayloadBytes) {
        payloadFull = true;
        kept.push(item);
        continue;
      }
      batch.items.push(item);
      batch.bytes += item.msg.sizeBytes;
      if (group !== undefined) this.#busy.set(group, batch.owner);
    }
    this.#pending = kept;
    return payloadFull;
  }

  /** The batch is done: its groups may be taken again. */
  releaseOwner(owner: symbol): void {
    for (const [group, o] of this.#busy) if (o === owner) this.#busy.delete(group);
  }

  /** Removes waiting messages of groups whose earlier messages failed, so they are not run out of order. */
  dropGroups(groups: ReadonlySet<string>): HeldMessage[] {
    if (groups.size === 0) return [];
    const dropped = this.#pending.filter((h) => h.msg.groupId !== undefined && groups.has(h.msg.groupId));
    this.#pending = this.#pending.filter((h) => !dropped.includes(h));
    return dropped;
  }

  drain(): HeldMessage[] {
    const all = this.#pending;
    this.#pending = [];
    this.#busy.clear();
    return all;
  }
}
