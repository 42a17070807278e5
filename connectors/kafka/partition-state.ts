// One assigned partition: its record buffer (bounded in records and bytes by the source), the next offset it expects, and who waits for records.
// A new object per assignment, so a reader opened before a revoke can tell it has lost the partition.
import type { StreamRecord } from '../../src/ports/sources.js';
import type { KafkaMessageLike } from './event.js';
import { FetchChunk, RecordChunk, type Chunk } from './fetch-chunk.js';

const EMPTY = new RecordChunk([]);

export class PartitionState {
  /** Fetches not yet handed to the reader, in offset order (see fetch-chunk.ts); `head` avoids shifting. */
  private chunks: Chunk[] = [];
  private head = 0;
  /** Records buffered. */
  size = 0;
  /** Sum of the buffered records' sizeBytes: the source pauses the partition at its byte cap too. */
  bytes = 0;
  private waiters = new Set<() => void>();
  /** Lowest offset accepted from the consumer: anything below is already buffered or handed out. */
  nextExpected = 0;
  /** The last offset committed by this process (next offset to read, Kafka style). */
  committed: number | undefined;
  /** First offset seen in this assignment, the base of the committed-events counter. */
  baseline: number | undefined;
  paused = false;
  /** Held back until the AT_TIMESTAMP seek is decided. */
  gated = false;
  lost = false;

  constructor(
    readonly partition: number,
    readonly shardId: string,
  ) {}

  /**
   * Buffers a fetch's messages past `nextExpected` (lower offsets were refetched after a rejoin, kafkajs restarting
   * from the committed offset: the engine already has them), packed (FetchChunk), or as `decoded` gives them
   * index for index (schema registry). Returns the last offset of the fetch, if any.
   */
  pushFetch(
    topic: string,
    messages: readonly KafkaMessageLike[],
    decoded?: ReadonlyArray<StreamRecord | undefined>,
  ): string | undefined {
    if (messages.length === 0) return undefined;
    let from = 0;
    while (from < messages.length && Number(messages[from]!.offset) < this.nextExpected) from++;
    if (from < messages.length) {
      const fresh = messages.slice(from);
      const chunk = decoded
        ? new RecordChunk(decoded.slice(from).filter((r): r is StreamRecord => r !== undefined))
        : FetchChunk.of(topic, this.partition, this.shardId, fresh);
      this.chunks.push(chunk);
      this.size += chunk.size;
      this.bytes += chunk.bytes;
      this.baseline ??= Number(fresh[0]!.offset);
      this.nextExpected = Number(fresh[fresh.length - 1]!.offset) + 1;
    }
    return messages[messages.length - 1]!.offset;
  }

  take(limit: number): StreamRecord[] {
    const out: StreamRecord[] = [];
    while (out.length < limit && this.head < this.chunks.length) {
      const chunk = this.chunks[this.head]!;
      this.bytes -= chunk.take(limit - out.length, out);
      if (chunk.size === 0) this.shift();
    }
    this.size -= out.length;
    return out;
  }

  /** Drops buffered records at or below `offset` (the engine resumes after it). */
  dropThrough(offset: number): void {
    while (this.head < this.chunks.length) {
      const chunk = this.chunks[this.head]!;
      const before = chunk.size;
      this.bytes -= chunk.dropThrough(offset);
      this.size -= before - chunk.size;
      if (chunk.size > 0) return;
      this.shift();
    }
  }

  private shift(): void {
    this.chunks[this.head++] = EMPTY;
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.size = 0;
    this.bytes = 0;
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  waitForRecords(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
