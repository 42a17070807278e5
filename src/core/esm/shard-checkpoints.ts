// One shard's checkpoint: which records are done (the done prefix, STR-9), writes serialized so they never go
// backwards and coalesced so a slow store (a Kafka commit behind a fetch) never holds up reading, and the
// store calls a worker cannot go without (read, mark finished) retried with backoff until they work or it stops.
// Positions go where the source keeps them (StreamSource.positions): the state store, or the shard's reader.
import type { Logger } from '../../ports/logger.js';
import type { CheckpointStore } from '../../ports/state.js';
import { sleepQuietly, type RetryLoop } from '../wait/wait.js';
import { CheckpointTracker, type Positioned } from './checkpoint-tracker.js';

export const STOPPED = Symbol('stopped');

/**
 * Where the done prefix is written. engine: the state store. source: the reader's commit (Kafka offsets, Redis
 * XACK); `commit` resolves false when no reader is open (after a failed read), and the position waits for the
 * next flush.
 */
export type CheckpointTarget =
  | { positions: 'engine'; store: CheckpointStore; mappingId: string; shardId: string }
  | { positions: 'source'; commit(position: string): Promise<boolean> };

export interface ShardCheckpointsDeps {
  target: CheckpointTarget;
  log: Logger;
  retry: RetryLoop;
  /** Records read and not yet checkpointed, for the backlog gauge. */
  onPending?(pending: number): void;
  /** A checkpoint write (offset commit) failed; it is retried at the next flush. */
  onWriteError?(): void;
}

export class ShardCheckpoints {
  private readonly tracker = new CheckpointTracker();
  private chain: Promise<void> = Promise.resolve();
  private unsaved: string | undefined;
  /** Consecutive failed checkpoint writes (logged once, then counted). */
  private failedWrites = 0;
  /** The last position written (for operators: shard inspection). */
  saved: string | undefined;

  constructor(private readonly deps: ShardCheckpointsDeps) {}

  /** Registers a record just read; returns its ordinal. */
  add(record: Positioned): number {
    return this.tracker.add(record);
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

  /** The position to resume after (undefined: none yet, or the source resumes by itself), or STOPPED. */
  load(): Promise<string | undefined | typeof STOPPED> {
    const t = this.deps.target;
    if (t.positions === 'source') return Promise.resolve(undefined);
    return this.retry('checkpoint read', () => t.store.get(t.mappingId, t.shardId));
  }

  /** STR-40: marks the shard finished, so its children may start (a source's own positions need no mark). */
  finish(): Promise<void | typeof STOPPED> {
    const t = this.deps.target;
    if (t.positions === 'source') return Promise.resolve();
    return this.retry('mark finished', () => t.store.markFinished(t.mappingId, t.shardId));
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
        const written = await this.write(position);
        if (written) this.saved = position;
        if (written && this.unsaved === position) this.unsaved = undefined;
        if (this.failedWrites > 0) this.deps.log.info({ failed: this.failedWrites }, 'checkpoint write works again');
        this.failedWrites = 0;
      } catch (err) {
        this.deps.onWriteError?.();
        // Every finished batch flushes: during a Kafka rebalance hundreds of commits fail within a moment, so
        // the first failure of a run is a warning and the rest are counted (onWriteError) and logged at debug.
        if (this.failedWrites++ === 0) this.deps.log.warn({ err }, 'checkpoint write failed; will retry');
        else this.deps.log.debug({ err, failed: this.failedWrites }, 'checkpoint write failed again');
      }
    });
    return this.chain;
  }

  private async write(position: string): Promise<boolean> {
    const t = this.deps.target;
    if (t.positions === 'source') return t.commit(position);
    await t.store.set(t.mappingId, t.shardId, position);
    return true;
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
