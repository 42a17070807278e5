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
/** Two base64 characters for each 12-bit value, the first in the high byte: one 32-bit write per 3 source bytes. */
const PAIRS = new Uint16Array(4096);
for (let v = 0; v < 4096; v++) PAIRS[v] = (B64[v >>> 6]! << 8) | B64[v & 63]!;
/**
 * From this many bytes Node's native base64 (a string, then one copy) is clearly faster than the loop below; under it
 * the loop is faster or level and makes no garbage. ns per value (loop vs native), node 24 on this project's 2-core
 * machine: 8 B 23 vs 106, 64 B 85 vs 106, 100 B 126 vs 112, 128 B 156 vs 113, 256 B 300 vs 140.
 */
const NATIVE_BASE64_FROM = 128;

/** Buffer#latin1Write (in Node since v6, not in the docs): Buffer#write less its encoding lookup, ~20 ns a call. */
interface Latin1Writer {
  latin1Write(s: string, offset: number): number;
}

/** Standard base64 with padding, as Buffer#toString('base64') writes it; `view` covers `out`. */
function putBase64(out: Buffer, view: DataView, at: number, src: Buffer): number {
  const n = src.length;
  if (n >= NATIVE_BASE64_FROM) return at + (out as unknown as Latin1Writer).latin1Write(src.toString('base64'), at);
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    view.setUint32(at, (PAIRS[v >>> 12]! << 16) | PAIRS[v & 4095]!);
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

const base64Length = (n: number): number => Math.ceil(n / 3) * 4;

/** The value putInteger last read (a module slot rather than a returned pair: no allocation per record). */
let integerRead = 0;

/**
 * Writes kafkajs' text of an offset or timestamp (Long#toString: digits, maybe a '-', no leading zero: already JSON)
 * and reads its value on the way, in one pass; returns the end, or -1 for any other text (then packed slowly).
 */
function putInteger(out: Buffer, at: number, s: string): number {
  const n = s.length;
  const from = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  // Nothing after the sign, or a leading zero or "-0" (the number's JSON is "0").
  if (n === from || (s.charCodeAt(from) === 48 && (n > 1 || from === 1))) return -1;
  let v = 0;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    out[at + i] = c;
    v = v * 10 + (c - 48);
  }
  if (from === 1) out[at] = 45;
  // Past 15 digits the sum may round differently from Number's parse (the text keeps every digit either way).
  integerRead = n - from > 15 ? Number(s) : from === 1 ? -v : v;
  return at + n;
}

/** An offset's or timestamp's JSON: kafkajs' digits as they are (exact past 2^53), else the number's (NaN: null). */
const integerJson = (s: string): string => (/^(0|-?[1-9][0-9]*)$/.test(s) ? s : JSON.stringify(Number(s)));

/** Packs `messages` (one partition's, in offset order) of `topic`/`partition`. */
export function packFetch(topic: string, partition: number, messages: readonly KafkaMessageLike[]): PackedFetch {
  return pack(topic, partition, messages, false) ?? pack(topic, partition, messages, true)!;
}

/**
 * The fast way takes offsets and timestamps as kafkajs writes them and gives up (undefined) on any other text;
 * `normalise` writes any text as JSON (integerJson: other clients, tests).
 */
function pack(
  topic: string,
  partition: number,
  messages: readonly KafkaMessageLike[],
  normalise: boolean,
): PackedFetch | undefined {
  const n = messages.length;
  const prefix = Buffer.from(`{"topic":${JSON.stringify(topic)},"partition":${partition},"offset":`);
  // The headers' JSON (most fetches have none), made once while sizing.
  let headers: Map<number, string> | undefined;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const j = jointsOf(m);
    size += prefix.length + TIMESTAMP.length + j.afterTimestamp.length + 1; // and the comma after it
    size += normalise
      ? integerJson(m.offset).length + integerJson(m.timestamp).length
      : m.offset.length + m.timestamp.length;
    if (m.key !== null) size += base64Length(m.key.length) + j.afterKey.length;
    if (m.value !== null) size += base64Length(m.value.length);
    const h = headersJson(m.headers);
    if (h !== '[]') {
      (headers ??= new Map()).set(i, h);
      size += Buffer.byteLength(h) + 1;
    }
    size += TAILS[m.value === null ? 0 : 1]![h === '[]' ? 0 : 1]!.length;
  }
  const slab = Buffer.allocUnsafe(Math.max(0, size - 1));
  const view = new DataView(slab.buffer, slab.byteOffset, slab.byteLength);
  const offsets = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const keyAt = new Int32Array(n);
  const keyLength = new Uint32Array(n);
  const ends = new Uint32Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    const j = jointsOf(m);
    at = put(slab, at, prefix);
    if (normalise) {
      at = putAscii(slab, at, integerJson(m.offset));
      offsets[i] = Number(m.offset);
      at = putAscii(slab, put(slab, at, TIMESTAMP), integerJson(m.timestamp));
      timestamps[i] = Number(m.timestamp);
    } else {
      if ((at = putInteger(slab, at, m.offset)) < 0) return undefined;
      offsets[i] = integerRead;
      if ((at = putInteger(slab, put(slab, at, TIMESTAMP), m.timestamp)) < 0) return undefined;
      timestamps[i] = integerRead;
    }
    at = put(slab, at, j.afterTimestamp);
    if (m.key === null) {
      keyAt[i] = -1;
      keyLength[i] = 0;
    } else {
      keyAt[i] = at;
      at = putBase64(slab, view, at, m.key);
      keyLength[i] = at - keyAt[i]!;
      at = put(slab, at, j.afterKey);
    }
    if (m.value !== null) at = putBase64(slab, view, at, m.value);
    const h = headers?.get(i);
    at = put(slab, at, TAILS[m.value === null ? 0 : 1]![h === undefined ? 0 : 1]!);
    if (h !== undefined) {
      at += slab.write(h, at, 'utf8');
      slab[at++] = 0x7d; // '}'
    }
    ends[i] = at;
    if (i + 1 < n) slab[at++] = 0x2c; // ','
  }
  if (at !== slab.length) throw new Error('kafka fetch packing: size mismatch');
  return { slab, ends, offsets, timestamps, keyAt, keyLength };
}
