// A fetch's records while they wait in a partition's buffer: their Lambda JSON in one off-heap slab and the rest in
// typed columns, so a full buffer (20,000 records a partition) is a handful of objects instead of a record object, a
// key string and an offset string each. Young-generation collections then have almost nothing to copy; records are
// made when the engine takes them and die young. Kafka 100 B records: GC was a quarter of sluice's CPU.
import type { StreamRecord } from '../../src/ports/sources.js';
import { KafkaStreamRecord, shardIdOf, type KafkaMessageLike } from './event.js';
import { packFetch } from './fetch-pack.js';

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

  /** Packs the messages (in offset order) of one fetch of `topic`/`partition` (fetch-pack.ts). */
  static of(topic: string, partition: number, shardId: string, messages: readonly KafkaMessageLike[]): FetchChunk {
    const p = packFetch(topic, partition, messages);
    return new FetchChunk(shardId, p.slab, p.ends, p.offsets, p.timestamps, p.keyAt, p.keyLength);
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
    let bytes = 0;
    for (let i = this.head; i < stop; i++) {
      const r = this.record(i);
      out.push(r);
      bytes += r.sizeBytes;
    }
    this.head = stop;
    return bytes;
  }

  record(i: number): KafkaStreamRecord {
    const start = i === 0 ? 0 : this.ends[i - 1]! + 1;
    const size = this.ends[i]! - start;
    const { shardId, slab } = this;
    const keyAt = this.keyAt[i]!;
    return new KafkaStreamRecord(
      shardId,
      this.offsets[i]!,
      '',
      this.timestamps[i]!,
      slab,
      size,
      start,
      keyAt,
      this.keyLength[i],
    );
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

/** One message as a record (tools, samples, tests; the source packs whole fetches). */
export function kafkaStreamRecord(
  topic: string,
  partition: number,
  m: KafkaMessageLike,
  /** The partition's shard id when the caller has it. */
  shardId = shardIdOf(topic, partition),
): KafkaStreamRecord {
  return FetchChunk.of(topic, partition, shardId, [m]).record(0);
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
