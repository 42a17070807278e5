// One assigned partition: its record buffer (bounded in records and bytes by the source), the next offset it expects, and who waits for records.
// A new object per assignment, so a reader opened before a revoke can tell it has lost the partition.
import { packRecords } from '../../src/ports/event-json.js';
import type { StreamRecord } from '../../src/ports/sources.js';

export class PartitionState {
  /** Records not yet handed to the reader, in offset order; `head` avoids shifting the array. */
  private buffer: StreamRecord[] = [];
  private head = 0;
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

  get size(): number {
    return this.buffer.length - this.head;
  }

  push(record: StreamRecord): void {
    this.buffer.push(record);
    this.bytes += record.sizeBytes;
  }

  /**
   * Buffers a fetch's records past `nextExpected` (lower offsets were refetched after a rejoin, kafkajs restarting
   * from the committed offset: the engine already has them). Returns the last offset of the fetch, if any.
   */
  pushFetch<M extends { offset: string }>(
    messages: readonly M[],
    toRecord: (m: M, index: number) => StreamRecord,
  ): string | undefined {
    const fresh: StreamRecord[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const offset = Number(m.offset);
      if (offset < this.nextExpected) continue;
      const record = toRecord(m, i);
      fresh.push(record);
      this.push(record);
      this.baseline ??= offset;
      this.nextExpected = offset + 1;
    }
    // One off-heap slab per fetch: a full buffer is then not tens of thousands of strings (see JsonStreamRecord).
    packRecords(fresh);
    return messages.length === 0 ? undefined : messages[messages.length - 1]!.offset;
  }

  take(limit: number): StreamRecord[] {
    const n = Math.min(limit, this.size);
    const out = this.buffer.slice(this.head, this.head + n);
    for (const r of out) this.bytes -= r.sizeBytes;
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Drops buffered records at or below `offset` (the engine resumes after it). */
  dropThrough(offset: number): void {
    while (this.size > 0 && Number(this.buffer[this.head]!.position) <= offset) {
      this.bytes -= this.buffer[this.head]!.sizeBytes;
      this.head++;
    }
  }

  clear(): void {
    this.buffer = [];
    this.head = 0;
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
