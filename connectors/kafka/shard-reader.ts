// A Kafka partition as a ShardReader: reads the source's per-partition buffer; commit moves the group offset
// (KAF-7), and where a new reader starts is the group's business (KAF-5).
import { ShardLostError } from '../../src/ports/errors.js';
import type { ReadResult, ShardReader } from '../../src/ports/sources.js';
import type { PartitionState } from './partition-state.js';

export class KafkaShardReader implements ShardReader {
  private closed = false;

  constructor(
    private readonly st: PartitionState,
    private readonly waitMs: number,
    /** Lets the source resume a partition paused on a full buffer. */
    private readonly afterTake: (st: PartitionState) => void,
    /** The source's offset commit for this partition (coalesced, never backwards, skipped once revoked). */
    private readonly commitOffset: (position: string) => Promise<void>,
  ) {}

  async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
    if (this.st.lost || this.closed) throw new ShardLostError(this.st.shardId);
    if (this.st.size === 0) await this.st.waitForRecords(this.waitMs, signal);
    // Records already buffered: still let I/O run first. With a fast function the engine would otherwise work
    // through the whole buffer in one run of microtasks, and kafkajs could neither send its next fetch nor a
    // heartbeat until the buffer was empty (the engine then waits for that fetch with nothing to do).
    else await new Promise((resolve) => setImmediate(resolve));
    if (this.st.lost) throw new ShardLostError(this.st.shardId);
    const records = this.st.take(limit);
    this.afterTake(this.st);
    return { records, endOfShard: false };
  }

  commit(position: string): Promise<void> {
    return this.commitOffset(position);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
