// How much a shard worker reads ahead of its batches: in records (twenty batches per lane, at least two, at most
// 20,000) and, since #20, in bytes (twice the largest event per lane), so 100 KB records stop at ~12 MB a lane while
// small records still come in whole pages.
import type { StreamRecord } from '../../ports/sources.js';
import type { Lane } from './lane.js';

const MAX_READ_AHEAD = 20_000;
// #20: with ten, a source read per round trip (Redis XREADGROUP) was 500 records, the size of the half that frees up,
// and the engine idled on every read (Redis 100 B: 150k rec/s, 77 % CPU); twenty keeps a read in flight while the
// rest is handled (190-205k, same-output raw loop 200-220k).
const BATCHES_AHEAD = 20;
/** Positions kept for finished records behind a blocked lane (D-2), at most. */
const MAX_TRACKED = 200_000;

export class ReadAhead {
  /** Average size of the records of the last read (0 before the first). */
  private recordBytes = 0;
  private readonly maxRecords: number;
  private readonly maxBytes: number;

  constructor(
    private readonly lanes: readonly Lane[],
    private readonly batchSize: number,
    maxPayloadBytes: number,
    /** StreamSource.maxReadBytes: the server's own byte cap on one read, if any. */
    private readonly maxReadBytes?: number,
  ) {
    this.maxRecords = Math.min(Math.max(2 * batchSize, batchSize * lanes.length * BATCHES_AHEAD), MAX_READ_AHEAD);
    this.maxBytes = 2 * maxPayloadBytes * lanes.length;
  }

  /**
   * How many more records may be read. Finished records behind a blocked lane (D-2) do not count, so other lanes
   * keep flowing; only their positions are kept, up to a hard cap. While records wait, the next read waits until
   * half the read-ahead is free: topping up a few records at a time costs one GetRecords per batch.
   */
  room(unfinished: number, pending: number): number {
    const room = Math.min(this.maxRecords - unfinished, MAX_TRACKED - pending);
    return Math.min(unfinished === 0 || room >= this.maxRecords / 2 ? room : 0, this.byteRoom());
  }

  /** Records of the last read's average size that fit the byte read-ahead, once half of it is free. */
  private byteRoom(): number {
    // Sizes unknown yet: one batch per lane first, so a first read of large records is no 20,000 of them either,
    // unless the server caps a read below the byte read-ahead (a short first page was one more round trip).
    if (this.recordBytes === 0) {
      const capped = this.maxReadBytes !== undefined && this.maxReadBytes <= this.maxBytes;
      return capped ? this.maxRecords : this.batchSize * this.lanes.length;
    }
    let queued = 0;
    for (const lane of this.lanes) queued += lane.waiting.queuedBytes;
    if (queued > this.maxBytes / 2) return 0;
    return Math.max(1, Math.floor((this.maxBytes - queued) / this.recordBytes));
  }

  /** A read brought these records (not empty). */
  read(records: readonly StreamRecord[]): void {
    let bytes = 0;
    for (const record of records) bytes += record.sizeBytes;
    this.recordBytes = Math.max(1, Math.ceil(bytes / records.length));
  }
}
