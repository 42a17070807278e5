// Writes a read's record JSON straight into one Buffer from the entries' id and field strings, as Kafka's fetch-pack
// does: building each record as a concatenated string cost a flattening copy (Buffer.byteLength of it) and a write
// per record, and the string's pieces were garbage. The output is exactly JSON.stringify(toRedisRecord(...))
// (test/unit/connectors/redis/read-pack.test.ts): ids are digits and a dash, the key, region and fields go through
// JSON.stringify (redisRecordShape and below).
import { asciiBytes as ascii, putAscii, putBytes as put } from '../../src/ports/slab-bytes.js';
import { fieldStrings, plainFieldsSize, putPlainFields } from './byte-fields.js';
import { arrivalMsOf, fieldsOf, RedisStreamEntryRecord, type RedisRecordShape } from './event.js';

/** An entry with its fields: XREADGROUP's `[id, [f1, v1, ...]]`, as strings or as Buffers (ioredis' callBuffer). */
export type Entry = readonly [string, readonly string[] | readonly Buffer[]];

const isBuffers = (flat: readonly string[] | readonly Buffer[]): flat is readonly Buffer[] =>
  flat.length > 0 && typeof flat[0] !== 'string';

const FIELDS = ascii('","fields":');
const ARRIVAL = ascii(',"arrivalTimestamp":');
const END = ascii('}}');

/** The fields' JSON: one field (the usual entry) needs no object; more keep JSON's key order and last value. */
function fieldsJson(flat: readonly string[]): string {
  return flat.length === 2 && flat[0] !== '__proto__'
    ? `{${JSON.stringify(flat[0])}:${JSON.stringify(flat[1])}}`
    : JSON.stringify(fieldsOf(flat));
}

/** The arrival time's JSON when the id's millisecond part is not already it (Redis writes no leading zero). */
function arrivalText(id: string, dash: number): string | undefined {
  return dash <= 0 || (dash > 1 && id.charCodeAt(0) === 48) ? JSON.stringify(arrivalMsOf(id)) : undefined;
}

/** One record per entry, their JSON comma-separated in one slab (JsonStreamRecord.writeRun copies runs at once). */
export function packEntries(
  shape: RedisRecordShape,
  entries: readonly Entry[],
  partitionKeyField?: string,
): RedisStreamEntryRecord[] {
  const head = Buffer.from(shape.head);
  const mid = Buffer.from(`",${shape.mid}`);
  // Each entry's fields: their JSON, or their Buffers when written from the bytes (byte-fields.ts).
  const fields = new Array<string | readonly Buffer[]>(entries.length);
  const sizes = new Uint32Array(entries.length);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const [id, flat] = entries[i]!;
    const buffers = isBuffers(flat);
    let fieldsSize = buffers ? plainFieldsSize(flat) : -1;
    if (fieldsSize >= 0) fields[i] = flat as readonly Buffer[];
    else {
      const f = (fields[i] = fieldsJson(buffers ? fieldStrings(flat) : flat));
      fieldsSize = Buffer.byteLength(f);
    }
    const dash = id.indexOf('-');
    const arrival = arrivalText(id, dash)?.length ?? dash;
    const size = head.length + 2 * id.length + mid.length + FIELDS.length + fieldsSize;
    sizes[i] = size + ARRIVAL.length + arrival + END.length;
    total += sizes[i]! + 1;
  }
  const slab = Buffer.allocUnsafe(Math.max(0, total - 1));
  const out: RedisStreamEntryRecord[] = [];
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    const [id, flat] = entries[i]!;
    const start = at;
    const dash = id.indexOf('-');
    at = put(slab, at, head);
    at = putAscii(slab, at, id);
    at = put(slab, at, mid);
    at = putAscii(slab, at, id);
    at = put(slab, at, FIELDS);
    const f = fields[i]!;
    at = typeof f === 'string' ? at + slab.write(f, at, 'utf8') : putPlainFields(slab, at, f);
    at = put(slab, at, ARRIVAL);
    const arrival = arrivalText(id, dash);
    at = arrival === undefined ? putAscii(slab, at, id, dash) : putAscii(slab, at, arrival);
    at = put(slab, at, END);
    if (at - start !== sizes[i]) throw new Error('redis read packing: size mismatch');
    if (i + 1 < entries.length) slab[at++] = 0x2c; // ','
    const partitionKey = partitionKeyField === undefined ? '' : lastValueOf(flat, partitionKeyField);
    out.push(new RedisStreamEntryRecord(id, partitionKey, arrivalMsOf(id), slab, sizes[i]!, start));
  }
  return out;
}

function lastValueOf(flat: readonly string[] | readonly Buffer[], field: string): string {
  for (let i = flat.length - 2; i >= 0; i -= 2) if (String(flat[i]) === field) return String(flat[i + 1] ?? '');
  return '';
}

/**
 * One entry as a record (tools, samples, tests; the source packs whole reads). position and itemIdentifier are the
 * entry id; lanes use `partitionKeyField` when set (else one lane).
 */
export function redisStreamRecord(
  shape: RedisRecordShape,
  id: string,
  flat: readonly string[],
  partitionKeyField?: string,
): RedisStreamEntryRecord {
  return packEntries(shape, [[id, flat]], partitionKeyField)[0]!;
}
