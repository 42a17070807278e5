// An entry's fields as ioredis reads them with callBuffer, written into the record JSON from their bytes: no string
// per field and value (ioredis' conversion was about a tenth of the Redis source's CPU at 100 B entries). Only fields
// whose JSON is their bytes in quotes go this way; anything else becomes the strings ioredis would have made and goes
// through JSON.stringify, so the output is always JSON.stringify(toRedisRecord(...)) (read-pack.test.ts).
import { putBytes } from '../../src/ports/slab-bytes.js';

/** Longer values take the string path: Node's UTF-8 decoding and V8's JSON.stringify beat a byte loop there. */
const PLAIN_MAX = 1024;
const PROTO = Buffer.from('__proto__');

/** Printable ASCII other than `"` and `\`: JSON.stringify of its string is the bytes in quotes. */
function plain(b: Buffer): boolean {
  if (b.length > PLAIN_MAX) return false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** A name JavaScript orders first in an object (an array index): JSON.stringify would move it. */
function indexLike(b: Buffer): boolean {
  if (b.length === 0 || b.length > 10 || (b.length > 1 && b[0] === 0x30)) return false;
  for (let i = 0; i < b.length; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return false;
  return true;
}

/**
 * The byte length of `{"f1":"v1",...}` written from the bytes, or -1 when the fields must go through strings: a
 * byte that JSON escapes or that is not ASCII, a long value, a repeated name (the object keeps its first place and
 * last value), `__proto__`, or a name an object would reorder.
 */
export function plainFieldsSize(flat: readonly Buffer[]): number {
  if (flat.length === 0 || flat.length % 2 !== 0) return -1;
  let size = flat.length / 2 + 1; // the braces and the commas between pairs
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    if (!plain(name) || !plain(value) || indexLike(name) || name.equals(PROTO)) return -1;
    for (let j = 0; j < i; j += 2) if (flat[j]!.equals(name)) return -1;
    size += name.length + value.length + 5; // "name":"value"
  }
  return size;
}

/** Writes the fields plainFieldsSize accepted; returns the end. */
export function putPlainFields(out: Buffer, at: number, flat: readonly Buffer[]): number {
  out[at++] = 0x7b; // '{'
  for (let i = 0; i < flat.length; i += 2) {
    if (i > 0) out[at++] = 0x2c; // ','
    out[at++] = 0x22;
    at = putBytes(out, at, flat[i]!);
    out[at++] = 0x22;
    out[at++] = 0x3a; // ':'
    out[at++] = 0x22;
    at = putBytes(out, at, flat[i + 1]!);
    out[at++] = 0x22;
  }
  out[at++] = 0x7d; // '}'
  return at;
}

/** The strings ioredis makes of a reply's Buffers (UTF-8). */
export function fieldStrings(flat: readonly Buffer[]): string[] {
  return flat.map((b) => b.toString());
}
