// A fetch's records while they wait in a partition's buffer: their Lambda JSON in one off-heap slab and the rest in
// typed columns, so a full buffer (20,000 records a partition) is a handful of objects instead of a record object, a
// key string and an offset string each. Young-generation collections then have almost nothing to copy; records are
// made when the engine takes them and die young. Kafka 100 B records: GC was a quarter of sluice's CPU.
import type { StreamRecord } from '../../src/ports/sources.js';
import { KafkaStreamRecord, kafkaRecordJson, kafkaRecordPrefix, type KafkaMessageLike } from './event.js';

/**
 * Lets go of a kafkajs batch's decoded messages once they are packed (or decoded). kafkajs keeps every batch of a
 * fetch response until the last one is handled, and that one may wait for room (room-wait.ts), so a fetch's ~24,000
 * message objects lived long enough to be promoted to the old generation. kafkajs 2.2.4 reads none of these arrays
 * after eachBatch returns (the last message it needs is taken before). 500k x 100 B records, 5 alternating pairs of
 * runs: sluice 402k -> 420k records/s (medians' mean).
 */
export function releaseMessages(batch: object): void {
  const b = batch as Record<string, unknown>;
  for (const field of ['messages', 'rawMessages', 'messagesWithinOffset']) {
    const list = b[field];
    if (Array.isArray(list)) list.length = 0;
  }
}

/** What a partition buffer holds: a packed fetch, or records made elsewhere (schema-registry decoding). */
export interface Chunk {
  readonly size: number;
  /** The sizeBytes of its records when made. */
  readonly bytes: number;
  /** Takes up to `n` records from the front, with their total sizeBytes. */
  take(n: number, out: StreamRecord[]): number;
  /** Drops records at or below `offset` from the front; returns their bytes. */
  dropThrough(offset: number): number;
}

export class FetchChunk implements Chunk {
  private head = 0;

  private constructor(
    private readonly shardId: string,
    private readonly slab: Buffer,
    /** Record i's JSON is slab[ends[i-1] + 1 (0 for the first), ends[i]); a comma is between records. */
    private readonly ends: Uint32Array,
    private readonly offsets: Float64Array,
    private readonly timestamps: Float64Array,
    /** Where record i's base64 key starts in the slab, -1 for a null key; its length. */
    private readonly keyAt: Int32Array,
    private readonly keyLength: Uint32Array,
  ) {}

  /** Packs the messages (in offset order) of one fetch of `topic`/`partition`. */
  static of(topic: string, partition: number, shardId: string, messages: readonly KafkaMessageLike[]): FetchChunk {
    const n = messages.length;
    // Kafka topic names are ASCII; checked once so a record's JSON up to its key is then ASCII too.
    const topicAscii = Buffer.byteLength(topic) === topic.length;
    const texts = new Array<string>(n);
    const prefix = kafkaRecordPrefix(topic, partition);
    const offsets = new Float64Array(n);
    const timestamps = new Float64Array(n);
    const keyAt = new Int32Array(n);
    const keyLength = new Uint32Array(n);
    const ends = new Uint32Array(n);
    // Records are comma-separated in the slab, so an event copies a run of them at once (JsonStreamRecord.writeRun).
    let at = 0;
    let utf8 = false;
    for (let i = 0; i < n; i++) {
      const j = kafkaRecordJson(prefix, messages[i]!);
      texts[i] = j.json;
      offsets[i] = j.offset;
      timestamps[i] = j.timestamp;
      // In bytes from the slab's start (base64 is ASCII).
      keyAt[i] = j.keyAt < 0 ? -1 : at + (topicAscii ? j.keyAt : Buffer.byteLength(j.json.slice(0, j.keyAt)));
      keyLength[i] = j.keyLength;
      const ascii = topicAscii && j.noHeaders;
      if (!ascii) utf8 = true;
      at += ascii ? j.json.length : Buffer.byteLength(j.json);
      ends[i] = at;
      at++;
    }
    // One write per record: joining the texts first (one write) cost four times as much (flattening every piece).
    const slab = Buffer.allocUnsafe(Math.max(0, at - 1));
    for (let i = 0, start = 0; i < n; start = ends[i]! + 1, i++) {
      // An ASCII fetch (no headers, the usual) is written as Latin-1: the same bytes, a plain copy.
      if (slab.write(texts[i]!, start, utf8 ? 'utf8' : 'latin1') !== ends[i]! - start)
        throw new Error('kafka fetch packing: size mismatch');
      if (i + 1 < n) slab[ends[i]!] = 0x2c; // ','
    }
    return new FetchChunk(shardId, slab, ends, offsets, timestamps, keyAt, keyLength);
  }

  /** The records' sizeBytes (the slab less its commas). */
  get bytes(): number {
    return Math.max(0, this.slab.length - (this.ends.length - 1));
  }

  get size(): number {
    return this.ends.length - this.head;
  }

  take(n: number, out: StreamRecord[]): number {
    const stop = Math.min(this.ends.length, this.head + n);
    const { slab, ends, keyAt } = this;
    let bytes = 0;
    for (let i = this.head; i < stop; i++) {
      const start = i === 0 ? 0 : ends[i - 1]! + 1;
      const size = ends[i]! - start;
      const at = keyAt[i]!;
      const length = this.keyLength[i]!;
      const offset = this.offsets[i]!;
      out.push(new KafkaStreamRecord(this.shardId, offset, '', this.timestamps[i]!, slab, size, start, at, length));
      bytes += size;
    }
    this.head = stop;
    return bytes;
  }

  dropThrough(offset: number): number {
    let bytes = 0;
    while (this.head < this.ends.length && this.offsets[this.head]! <= offset) {
      bytes += this.ends[this.head]! - (this.head === 0 ? 0 : this.ends[this.head - 1]! + 1);
      this.head++;
    }
    return bytes;
  }
}

/** Records made elsewhere (a schema-registry decoded fetch), kept as they are. */
export class RecordChunk implements Chunk {
  private head = 0;

  readonly bytes: number;

  constructor(private readonly records: readonly StreamRecord[]) {
    this.bytes = records.reduce((n, r) => n + r.sizeBytes, 0);
  }

  get size(): number {
    return this.records.length - this.head;
  }

  take(n: number, out: StreamRecord[]): number {
    const stop = Math.min(this.records.length, this.head + n);
    let bytes = 0;
    for (let i = this.head; i < stop; i++) {
      out.push(this.records[i]!);
      bytes += this.records[i]!.sizeBytes;
    }
    this.head = stop;
    return bytes;
  }

  dropThrough(offset: number): number {
    let bytes = 0;
    while (this.head < this.records.length && Number(this.records[this.head]!.position) <= offset) {
      bytes += this.records[this.head]!.sizeBytes;
      this.head++;
    }
    return bytes;
  }
}
