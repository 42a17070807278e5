// Decode a record's data field once, for the patterns that address it (FLT-8..10). Only objects and arrays
// count as JSON: a body such as `42` or `"x"` stays a plain string that rule arrays can match.
import { isUtf8 } from 'node:buffer';
import type { SourceKind } from './types.js';

export type Decoded =
  | { form: 'json'; value: unknown }
  | { form: 'plain'; value: unknown }
  /** Not decodable: Kinesis data that is not JSON, Kafka bytes that are not UTF-8. */
  | { form: 'invalid' }
  /** No data at all (a Kafka tombstone): rules see the raw value (null or missing). */
  | { form: 'absent'; value: unknown };

const own = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;

/** The raw data field of a record. */
export function rawData(kind: SourceKind, record: Record<string, unknown>): unknown {
  switch (kind) {
    case 'sqs':
      return own(record, 'body');
    case 'kinesis':
      return own(own(record, 'kinesis'), 'data');
    case 'kafka':
      return own(record, 'value');
    default:
      return undefined;
  }
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

export function decodeData(kind: SourceKind, record: Record<string, unknown>): Decoded {
  const raw = rawData(kind, record);
  switch (kind) {
    case 'sqs': {
      const json = typeof raw === 'string' ? parseStructured(raw) : undefined;
      return json !== undefined ? { form: 'json', value: json } : { form: 'plain', value: raw };
    }
    case 'kinesis': {
      const text = typeof raw === 'string' ? base64Text(raw) : undefined;
      const json = text !== undefined ? parseStructured(text) : undefined;
      return json !== undefined ? { form: 'json', value: json } : { form: 'invalid' };
    }
    case 'kafka': {
      if (raw === undefined || raw === null) return { form: 'absent', value: raw };
      const text = typeof raw === 'string' ? base64Text(raw) : undefined;
      if (text === undefined) return { form: 'invalid' };
      const json = parseStructured(text);
      return json !== undefined ? { form: 'json', value: json } : { form: 'plain', value: text };
    }
    default:
      return { form: 'absent', value: raw };
  }
}
