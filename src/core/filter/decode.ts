// Decode a record's data field once, for the patterns that address it (FLT-8..10). Only objects and arrays
// count as JSON: a body such as `42` or `"x"` stays a plain string that rule arrays can match.
import { isUtf8 } from 'node:buffer';
import type { FilterData } from '../../ports/filter-pattern/types.js';

export type Decoded =
  | { form: 'json'; value: unknown }
  | { form: 'plain'; value: unknown }
  /** Not decodable: data that must be JSON and is not, base64 bytes that are not UTF-8. */
  | { form: 'invalid' }
  /** No data at all (a Kafka tombstone): rules see the raw value (null or missing). */
  | { form: 'absent'; value: unknown };

const own = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;

/** The raw data field of a record. */
export function rawData(data: FilterData, record: Record<string, unknown>): unknown {
  let at: unknown = record;
  for (const key of data.path) at = own(at, key);
  return at;
}

/** Parse text that is a JSON object or array; undefined for anything else. */
export function parseStructured(text: string): object | undefined {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  const c = text[i];
  if (c !== '{' && c !== '[') return undefined;
  try {
    return JSON.parse(text) as object;
  } catch {
    return undefined;
  }
}

/** Base64 to UTF-8 text; undefined when the bytes are not valid UTF-8 (FLT-10). */
function base64Text(data: string): string | undefined {
  const bytes = Buffer.from(data, 'base64');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

export function decodeData(data: FilterData, record: Record<string, unknown>): Decoded {
  const raw = rawData(data, record);
  if (raw === undefined || raw === null) return { form: 'absent', value: raw };
  // Text data that is not a string (a number body) is matched as it is; base64 data must be a string.
  const text = typeof raw !== 'string' ? undefined : data.encoding === 'base64' ? base64Text(raw) : raw;
  if (text === undefined)
    return data.encoding === 'text' && data.form === 'text' ? { form: 'plain', value: raw } : { form: 'invalid' };
  const json = parseStructured(text);
  if (json !== undefined) return { form: 'json', value: json };
  return data.form === 'text' ? { form: 'plain', value: text } : { form: 'invalid' };
}
