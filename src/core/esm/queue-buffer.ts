import type { QueueMessage } from '../../ports/queue-source.js';
import { Batcher } from '../batch/batcher.js';

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
 * Messages received but not yet in a batch, shared by the mapping's batches, waiting in the core's Batcher. Receives
 * ask for no more than a batch needs, so this holds only the overflow of the 6 MB cap and, for FIFO, messages whose
 * group has a batch in flight (SQS-24: one batch per group at a time; order per group is arrival order).
 */
export class QueueBuffer {
  readonly #waiting: Batcher<HeldMessage>;
  readonly #busy = new Map<string, symbol>();

  constructor(
    private readonly fifo: boolean,
    limits: TakeLimits,
  ) {
    // A message's size already counts its comma; the window is the open batch's, not the waiting list's.
    this.#waiting = new Batcher({ ...limits, maxBatchingWindowMs: 0, separatorBytes: 0 }, (h) => h.msg.sizeBytes, 0);
  }

  get size(): number {
    return this.#waiting.length;
  }

  push(items: readonly HeldMessage[]): void {
    for (const h of items) this.#waiting.push(h, 0);
  }

  /** Moves messages into `batch` in arrival order. Returns true when the payload cap closed the batch (P-12). */
  take(batch: OpenBatch): boolean {
    const cut = this.#waiting.take(batch.bytes, undefined, {
      taken: batch.items.length,
      skip: (h) => {
        const owner = this.#owner(h);
        return owner !== undefined && owner !== batch.owner;
      },
    });
    for (const h of cut.items) {
      batch.items.push(h);
      batch.bytes += h.msg.sizeBytes;
      const group = this.#group(h);
      if (group !== undefined) this.#busy.set(group, batch.owner);
    }
    return cut.capped;
  }

  /** The batch is done: its groups may be taken again. */
  releaseOwner(owner: symbol): void {
    for (const [group, o] of this.#busy) if (o === owner) this.#busy.delete(group);
  }

  /** Removes waiting messages of groups whose earlier messages failed, so they are not run out of order. */
  dropGroups(groups: ReadonlySet<string>): HeldMessage[] {
    if (groups.size === 0) return [];
    return this.#waiting.remove((h) => h.msg.groupId !== undefined && groups.has(h.msg.groupId));
  }

  drain(): HeldMessage[] {
    this.#busy.clear();
    return this.#waiting.remove(() => true);
  }

  #group(h: HeldMessage): string | undefined {
    return this.fifo ? h.msg.groupId : undefined;
  }

  #owner(h: HeldMessage): symbol | undefined {
    const group = this.#group(h);
    return group === undefined ? undefined : this.#busy.get(group);
  }
}
