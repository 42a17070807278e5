// The one home of event assembly (#20): a record's Lambda JSON is serialised once, when the connector reads it
// (StreamRecord.json, whose UTF-8 length is its sizeBytes), and every event is those fragments joined inside the
// source's envelope. Nothing builds the event as objects or stringifies it whole on the hot path.

import type { StreamRecord } from './sources.js';

/**
 * A stream record read with its JSON written once: the object form is parsed from that JSON only when something
 * asks for it (filters, the on-failure path). Connectors extend it with what they add (Kafka: shardId).
 *
 * A connector that packs its reads (Kafka's fetch-pack.ts, Redis's read-pack.ts) writes the JSON as UTF-8 straight
 * into one Buffer shared by the records of a read, with a comma after each, and no string is made (helpers in
 * slab-bytes.ts): a read-ahead of tens of thousands of records is then a few off-heap slabs instead of tens of
 * thousands of strings that survive young-generation collections (copied, then promoted), and an event is the slabs'
 * bytes copied once. Kafka at 100 B records: 5 → 3.8 µs of CPU per record, GC time less than half.
 */
export class JsonStreamRecord implements StreamRecord {
  private parsed: Record<string, unknown> | undefined;
  /** Set by a connector's decoder (Kafka schema registry). */
  filterView?: Record<string, unknown>;
  rejected?: StreamRecord['rejected'];
  /** The JSON text of a record made from text, or of a packed one once someone asks for it. */
  private text: string | undefined;
  /** Where the packed JSON is: `slab[start, start + sizeBytes)`. */
  protected slab: Buffer | undefined;
  private start = 0;

  constructor(
    /** position, unless a subclass makes it when asked. */
    private readonly pos: string,
    /** partitionKey, unless a subclass reads it from its slab when asked. */
    private readonly key: string,
    readonly arrivalMs: number,
    /** The JSON text, or a slab already holding its bytes at `start` (a connector that packs as it reads). */
    json: string | Buffer,
    /** The JSON's UTF-8 length (a packing connector checks it as it writes). */
    readonly sizeBytes: number,
    start = 0,
  ) {
    if (typeof json === 'string') this.text = json;
    else {
      this.slab = json;
      this.start = start;
    }
  }

  get position(): string {
    return this.pos;
  }

  get partitionKey(): string {
    return this.key;
  }

  get json(): string {
    return (this.text ??= this.slab!.toString('utf8', this.start, this.start + this.sizeBytes));
  }

  get record(): Record<string, unknown> {
    return (this.parsed ??= JSON.parse(this.json) as Record<string, unknown>);
  }

  /** The bytes writeTo writes: sizeBytes once packed (checked then), else the text's own UTF-8 length. */
  get jsonBytes(): number {
    return this.slab === undefined ? Buffer.byteLength(this.text!) : this.sizeBytes;
  }

  /** Writes the JSON's bytes at `at` (`out` has room for jsonBytes); returns the end. */
  writeTo(out: Buffer, at: number): number {
    const slab = this.slab;
    if (slab !== undefined) return at + slab.copy(out, at, this.start, this.start + this.sizeBytes);
    return at + out.write(this.text!, at, 'utf8');
  }

  /**
   * Writes part[i] and the packed records after it that follow it in the same slab (a read taken in order) with
   * one copy: a slab has a comma after each record, so a run's bytes are already the event's. Returns the end and
   * the index after the run.
   */
  static writeRun(part: readonly Fragment[], i: number, out: Buffer, at: number): [number, number] {
    const first = part[i] as JsonStreamRecord;
    const slab = first.slab;
    if (slab === undefined) return [first.writeTo(out, at), i + 1];
    let last = first;
    let j = i + 1;
    for (; j < part.length; j++) {
      const r = part[j];
      if (!(r instanceof JsonStreamRecord) || r.slab !== slab || r.start !== last.start + last.sizeBytes + 1) break;
      last = r;
    }
    return [at + slab.copy(out, at, first.start, last.start + last.sizeBytes), j];
  }
}

/** What an event is assembled from: a stream record or a queue message (both keep `json` when read). */
export interface Fragment {
  readonly json?: string;
  readonly record: Record<string, unknown>;
}

/** The record's JSON as it appears in the event (records built without `json`, e.g. by tests, stringify here). */
export function recordJson(r: Fragment): string {
  return r.json ?? JSON.stringify(r.record);
}

/**
 * An event's parts in order: literal JSON text, and runs of records written comma-separated. The bytes are sized
 * first and written once into one Buffer (packed records by copy).
 */
export type EventPart = string | readonly Fragment[];

export function assembleEvent(parts: readonly EventPart[]): Buffer {
  let total = 0;
  // Unpacked fragments' text, looked up once for sizing and again for writing.
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      total += Buffer.byteLength(part);
      continue;
    }
    total += Math.max(0, part.length - 1);
    for (const r of part) {
      if (r instanceof JsonStreamRecord) total += r.jsonBytes;
      else {
        const text = recordJson(r);
        texts.push(text);
        total += Buffer.byteLength(text);
      }
    }
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  let t = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      at += out.write(part, at, 'utf8');
      continue;
    }
    for (let i = 0; i < part.length;) {
      if (i > 0) out[at++] = 0x2c; // ','
      if (part[i] instanceof JsonStreamRecord) [at, i] = JsonStreamRecord.writeRun(part, i, out, at);
      else {
        at += out.write(texts[t++]!, at, 'utf8');
        i++;
      }
    }
  }
  return out;
}

/** `head` + the records' JSON joined by commas + `tail`: `{"Records":[` … `]}` and the like. */
export function joinRecords(head: string, records: readonly Fragment[], tail: string): Buffer {
  return assembleEvent([head, records, tail]);
}

/** `{"Records":[…]}`: the event of Kinesis, DynamoDB Streams, Redis Streams, the memory stream, SQS and memory queues. */
export function recordsEvent(records: readonly Fragment[]): Buffer {
  return assembleEvent(['{"Records":[', records, ']}']);
}

/**
 * The bytes of `{ ...event, ...fields }` for an event object's JSON whose keys are not among `fields` (tumbling
 * windows add window, state, shardId, …, STR-33): the fields' JSON goes in before the closing brace.
 */
export function withFields(event: Buffer, fields: Record<string, unknown>): Buffer {
  const more = JSON.stringify(fields);
  if (more === '{}') return event;
  if (event.length === 2) return Buffer.from(more); // '{}'
  return Buffer.concat([event.subarray(0, -1), Buffer.from(`,${more.slice(1)}`)]);
}

/** A JSON string literal of `s`, remembered: a source writes the same topic, key and region into every record. */
const literals = new Map<string, string>();
export function jsonLiteral(s: string): string {
  let lit = literals.get(s);
  if (lit === undefined) {
    lit = JSON.stringify(s);
    if (literals.size < 4096) literals.set(s, lit);
  }
  return lit;
}
