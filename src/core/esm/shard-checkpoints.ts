// One shard's checkpoint: which records are done (the done prefix, STR-9), writes serialized so they never go
// backwards and coalesced so a slow store (a Kafka commit behind a fetch) never holds up reading, and the
// store calls a worker cannot go without (read, mark finished) retried with backoff until they work or it stops.
import type { Logger } from '../../ports/logger.js';
import type { CheckpointStore } from '../../ports/state.js';
import { sleepQuietly, type RetryLoop } from '../wait/wait.js';
import { CheckpointTracker } from './checkpoint-tracker.js';

export const STOPPED = Symbol('stopped');

export interface ShardCheckpointsDeps {
  store: CheckpointStore;
  mappingId: string;
  shardId: string;
  log: Logger;
  retry: RetryLoop;
  /** Records read and not yet checkpointed, for the backlog gauge. */
  onPending?(pending: number): void;
}

export class ShardCheckpoints {
  private readonly tracker = new CheckpointTracker();
  private chain: Promise<void> = Promise.resolve();
  private unsaved: string | undefined;

  constructor(private readonly deps: ShardCheckpointsDeps) {}

  /** Registers a record just read; returns its ordinal. */
  add(position: string): number {
    return this.tracker.add(position);
  }

  markDone(ordinal: number): void {
    this.tracker.markDone(ordinal);
  }

  /** Records read and not yet past the checkpoint. */
  get pending(): number {
    return this.tracker.pending;
  }

  /** Records read and not finished yet (queued or in flight). */
  get unfinished(): number {
    return this.tracker.unfinished;
  }

  /** The position to resume after (undefined: none yet), or STOPPED. */
  load(): Promise<string | undefined | typeof STOPPED> {
    const { store, mappingId, shardId } = this.deps;
    return this.retry('checkpoint read', () => store.get(mappingId, shardId));
  }

  /** STR-40: marks the shard finished, so its children may start. */
  finish(): Promise<void | typeof STOPPED> {
    const { store, mappingId, shardId } = this.deps;
    return this.retry('mark finished', () => store.markFinished(mappingId, shardId));
  }

  /** Writes the checkpoint of the done prefix; writes are serialized so they never go backwards. */
  flush(): Promise<void> {
    const position = this.tracker.advance() ?? this.unsaved;
    this.deps.onPending?.(this.tracker.pending);
    if (position === undefined) return this.chain;
    this.unsaved = position;
    this.chain = this.chain.then(async () => {
      if (this.unsaved !== position) return; // a later position superseded this one
      try {
        await this.deps.store.set(this.deps.mappingId, this.deps.shardId, position);
        if (this.unsaved === position) this.unsaved = undefined;
      } catch (err) {
        this.deps.log.warn({ err }, 'checkpoint write failed; will retry');
      }
    });
    return this.chain;
  }

  /** Retries a state-store call with backoff until it works or the worker stops. */
  private async retry<T>(what: string, fn: () => Promise<T>): Promise<T | typeof STOPPED> {
    const { retry, log } = this.deps;
    for (let attempt = 1; ; attempt++) {
      if (retry.stopped()) return STOPPED;
      try {
        return await fn();
      } catch (err) {
        log.warn({ err, attempt }, `${what} failed; retrying`);
        await sleepQuietly(retry.clock, retry.delayMs(attempt), retry.signal);
      }
    }
  }
}
