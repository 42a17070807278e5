// Writes a fetch's Lambda record JSON (spec §4.1) straight into one Buffer, byte by byte, from kafkajs' message
// fields: no JSON text per record. Building each record as a string and copying it in cost more than the rest of
// the connector (the concatenated string had to be flattened before every write: ~0.75 us of a 100 B record's
// ~3.5 us, and its pieces were garbage). The output is exactly JSON.stringify(toKafkaRecord(...)) (event.test.ts):
// topic names, numbers and base64 need no escaping, and headers, the one part that can, go through JSON.stringify.
// Written by hand because nothing in Node or a library writes base64 into a given place of a Buffer (Node makes a
// string, which for the short values of most records costs as much as the loop and is garbage).
import { asciiBytes as ascii, putAscii, putBytes as put } from '../../src/ports/slab-bytes.js';
import { headersJson, type KafkaMessageLike } from './event.js';

/** A fetch packed: record i's JSON is slab[i === 0 ? 0 : ends[i-1] + 1, ends[i]), with a comma after each. */
export interface PackedFetch {
  slab: Buffer;
  ends: Uint32Array;
  offsets: Float64Array;
  timestamps: Float64Array;
  /** Where record i's base64 key starts in the slab, -1 for a null key; its length. */
  keyAt: Int32Array;
  keyLength: Uint32Array;
}

const TIMESTAMP = ascii(',"timestamp":');
const HEADERS = ',"headers":';
const NO_HEADERS = ',"headers":[]}';

/**
 * The constant bytes between the variable parts, joined so a record takes five copies: after the timestamp (its type,
 * then the key's or the value's opening), after the key, and after the value. D-7: a null key is left out, a null
 * value is `null`. Indexed by the record's shape.
 */
interface Joints {
  afterTimestamp: Uint8Array;
  afterKey: Uint8Array;
}
function joints(logAppend: boolean, key: boolean, value: boolean): Joints {
  const type = `,"timestampType":"${logAppend ? 'LOG_APPEND_TIME' : 'CREATE_TIME'}"`;
  const valueOpen = value ? ',"value":"' : ',"value":null';
  return { afterTimestamp: ascii(type + (key ? ',"key":"' : valueOpen)), afterKey: ascii(`"${valueOpen}`) };
}
const JOINTS = [false, true].map((log) => [false, true].map((key) => [false, true].map((v) => joints(log, key, v))));
/** A message's joints, by its timestamp type and whether its key and value are null. */
const jointsOf = (m: KafkaMessageLike): Joints =>
  JOINTS[m.batchContext?.timestampType === 1 ? 1 : 0]![m.key === null ? 0 : 1]![m.value === null ? 0 : 1]!;
/** After the value (its closing quote when not null), and the headers' opening or all of them when none. */
const TAILS = [false, true].map((quoted) =>
  [false, true].map((h) => ascii((quoted ? '"' : '') + (h ? HEADERS : NO_HEADERS))),
);
const B64 = ascii('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
/**
 * From this many bytes Node's native base64 (a string, then one copy) is faster than the loop below, which makes no
 * garbage: ~140 ns each at 100 bytes, 400 vs 150 ns at 300 (node 24, this project's 2-core machine).
 */
const NATIVE_BASE64_FROM = 128;

/** A decimal integer as kafkajs writes offsets and timestamps (Long#toString); anything else is normalised. */
function jsonInteger(s: string): string {
  const c = s.charCodeAt(0);
  // A leading digit other than 0 (or a lone 0) and all digits: already canonical JSON, as kafkajs gives it.
  if ((c > 48 && c <= 57) || s === '0') {
    for (let i = 1; i < s.length; i++) {
      const d = s.charCodeAt(i);
      if (d < 48 || d > 57) return String(Number(s));
    }
    return s;
  }
  return String(Number(s));
}

const base64Length = (n: number): number => Math.ceil(n / 3) * 4;

/** Standard base64 with padding, as Buffer#toString('base64') writes it. */
function putBase64(out: Buffer, at: number, src: Buffer): number {
  const n = src.length;
  if (n >= NATIVE_BASE64_FROM) return at + out.write(src.toString('base64'), at, 'latin1');
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    out[at] = B64[v >>> 18]!;
    out[at + 1] = B64[(v >>> 12) & 63]!;
    out[at + 2] = B64[(v >>> 6) & 63]!;
    out[at + 3] = B64[v & 63]!;
    at += 4;
  }
  if (i < n) {
    const two = i + 1 < n;
    const v = (src[i]! << 16) | (two ? src[i + 1]! << 8 : 0);
    out[at] = B64[v >>> 18]!;
    out[at + 1] = B64[(v >>> 12) & 63]!;
    out[at + 2] = two ? B64[(v >>> 6) & 63]! : 61; // '='
    out[at + 3] = 61;
    at += 4;
  }
  return at;
}

/** Packs `messages` (one partition's, in offset order) of `topic`/`partition`. */
export function packFetch(topic: string, partition: number, messages: readonly KafkaMessageLike[]): PackedFetch {
  const n = messages.length;
  const prefix = Buffer.from(`{"topic":${JSON.stringify(topic)},"partition":${partition},"offset":`);
  const offsets = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const keyAt = new Int32Array(n);
  const keyLength = new Uint32Array(n);
  const ends = new Uint32Array(n);
  // The offsets' and timestamps' JSON text and the headers' JSON (most fetches have none), made once while sizing.
  const offsetTexts = new Array<string>(n);
  const timestampTexts = new Array<string>(n);
  let headers: Map<number, string> | undefined;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const j = jointsOf(m);
    const offset = (offsetTexts[i] = jsonInteger(m.offset));
    const timestamp = (timestampTexts[i] = jsonInteger(m.timestamp));
    let size = prefix.length + offset.length + TIMESTAMP.length + timestamp.length + j.afterTimestamp.length;
    if (m.key !== null) size += base64Length(m.key.length) + j.afterKey.length;
    if (m.value !== null) size += base64Length(m.value.length);
    const h = headersJson(m.headers);
    if (h !== '[]') {
      (headers ??= new Map()).set(i, h);
      size += Buffer.byteLength(h) + 1;
    }
    size += TAILS[m.value === null ? 0 : 1]![h === '[]' ? 0 : 1]!.length;
    at += size;
    ends[i] = at;
    at++; // the comma after it
  }
  const slab = Buffer.allocUnsafe(Math.max(0, at - 1));
  at = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const j = jointsOf(m);
    const offset = offsetTexts[i]!;
    const timestamp = timestampTexts[i]!;
    offsets[i] = Number(offset);
    timestamps[i] = Number(timestamp);
    at = put(slab, at, prefix);
    at = putAscii(slab, at, offset);
    at = put(slab, at, TIMESTAMP);
    at = putAscii(slab, at, timestamp);
    at = put(slab, at, j.afterTimestamp);
    if (m.key === null) {
      keyAt[i] = -1;
      keyLength[i] = 0;
    } else {
      keyAt[i] = at;
      at = putBase64(slab, at, m.key);
      keyLength[i] = at - keyAt[i]!;
      at = put(slab, at, j.afterKey);
    }
    if (m.value !== null) at = putBase64(slab, at, m.value);
    const h = headers?.get(i);
    at = put(slab, at, TAILS[m.value === null ? 0 : 1]![h === undefined ? 0 : 1]!);
    if (h !== undefined) {
      at += slab.write(h, at, 'utf8');
      slab[at++] = 0x7d; // '}'
    }
    if (at !== ends[i]) throw new Error('kafka fetch packing: size mismatch');
    if (i + 1 < n) slab[at++] = 0x2c; // ','
  }
  return { slab, ends, offsets, timestamps, keyAt, keyLength };
}
