// Where a shard worker reads: opens the source after the last position read (or at StartingPosition when nothing
// is checkpointed yet), paces reads (no wait while behind, the idle cadence once caught up: STR-1, STR-3), and
// after a failed read closes the reader and reopens after a backoff. For a source that keeps its own positions,
// commits go through the reader open at the time.
import { ShardLostError } from '../../ports/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Labels, Metrics } from '../../ports/metrics.js';
import type { ShardInfo, ShardReader, StartPosition, StreamRecord, StreamSource } from '../../ports/sources.js';
import { fullJitterBackoffMs, type Rng } from '../retry/backoff.js';
import { StreamMetric } from './stream-metrics.js';
import { DEFAULT_POLL_INTERVAL_MS, type StreamMappingOptions } from './stream-options.js';

export interface ShardCursorDeps {
  source: StreamSource;
  shard: ShardInfo;
  options: StreamMappingOptions;
  clock: Clock;
  rng: Rng;
  metrics: Metrics;
  labels: Labels;
  log: Logger;
}

export class ShardCursor {
  private reader: ShardReader | undefined;
  private lastRead: string | undefined;
  private errors = 0;
  /** When the next read may start. */
  nextReadAt = 0;
  /** The source said the shard is closed and everything in it was read. */
  endOfShard = false;

  constructor(
    private readonly deps: ShardCursorDeps,
    /** The checkpoint: reading resumes after it. */
    checkpoint: string | undefined,
  ) {
    this.lastRead = checkpoint;
  }

  due(now: number): boolean {
    return !this.endOfShard && now >= this.nextReadAt;
  }

  /** Reads up to `limit` records; undefined after a failed read (the next one waits for its backoff). */
  async read(limit: number, signal: AbortSignal): Promise<readonly StreamRecord[] | undefined> {
    const { deps } = this;
    try {
      // Never re-apply StartingPosition once something is checkpointed or read: resume after it.
      this.reader ??= await deps.source.open(deps.shard, this.startPosition());
      const res = await this.reader.read(limit, signal);
      this.errors = 0;
      const last = res.records[res.records.length - 1];
      if (last) this.lastRead = last.position;
      if (res.endOfShard) this.endOfShard = true;
      const now = deps.clock.now();
      // No sleep while behind (DESIGN principle 4); idle cadence once caught up (STR-1, STR-3).
      this.nextReadAt = res.records.length === 0 ? now + this.idlePollMs() : now;
      return res.records;
    } catch (err) {
      if (signal.aborted) throw err;
      // Expired iterator, connection loss...: reopen after the last position read.
      this.errors++;
      if (err instanceof ShardLostError) {
        // A rebalance took the partition: not an error. The mapping stops this worker when the new
        // assignment is listed; until then a reopen gets it back if it returns here.
        deps.log.info({ attempt: this.errors }, 'shard no longer assigned here; waiting for the rebalance');
      } else {
        deps.metrics.inc(StreamMetric.pollingErrors, deps.labels);
        deps.log.warn({ err, attempt: this.errors }, 'shard read failed; reopening');
      }
      await this.close();
      this.nextReadAt = deps.clock.now() + fullJitterBackoffMs(this.errors, deps.options.retryBackoff, deps.rng);
      return undefined;
    }
  }

  /**
   * Commits the done prefix through the open reader (StreamSource.positions 'source'); false when none is open
   * (between a failed read and the reopen), so the caller keeps the position for its next write.
   */
  async commit(position: string): Promise<boolean> {
    const reader = this.reader;
    if (reader === undefined) return false;
    if (reader.commit === undefined) throw new Error(`${this.deps.source.kind} reader has no commit`);
    await reader.commit(position);
    return true;
  }

  async close(): Promise<void> {
    const old = this.reader;
    this.reader = undefined;
    await old?.close().catch(() => undefined);
  }

  /** After an empty read: a long-polling source's own wait, else the configured cadence, else the source's (STR-3). */
  private idlePollMs(): number {
    const { source, options } = this.deps;
    return source.idlePollMs ?? options.pollIntervalMs ?? source.defaultPollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  private startPosition(): StartPosition {
    return this.lastRead !== undefined
      ? { type: 'AFTER', position: this.lastRead }
      : this.deps.options.startingPosition;
  }
}
