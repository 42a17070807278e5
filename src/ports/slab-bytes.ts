// The byte writing shared by connectors that pack a read's record JSON into one slab (Kafka's fetch-pack.ts, Redis's
// read-pack.ts; see JsonStreamRecord in event-json.ts).

/** The bytes of an ASCII string, for the constant parts of a record. */
export const asciiBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Copies `bytes` to `out` at `at`; returns the end. TypedArray#set: ~25 ns a call, a byte loop 1-3 ns a byte. */
export function putBytes(out: Buffer, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/** Writes the first `end` characters of an ASCII string (digits, ids) at `at`; returns the end. */
export function putAscii(out: Buffer, at: number, s: string, end = s.length): number {
  for (let i = 0; i < end; i++) out[at + i] = s.charCodeAt(i);
  return at + end;
}
