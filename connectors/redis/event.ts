// The event a function gets for a Redis stream batch: Kinesis-like `{ Records: [...] }` (documented in README.md).
import type { StreamEvents, StreamRecord } from '../../src/ports/sources.js';
import { buildStreamBatchInfo } from '../../src/ports/stream-batch-info.js';

export interface RedisStreamRecord {
  eventSource: 'sluice:redis';
  eventVersion: '1.0';
  eventSourceARN: string;
  eventID: string;
  awsRegion: string;
  redis: {
    streamKey: string;
    id: string;
    /** Field/value pairs of the entry as strings; a repeated field keeps its last value. */
    fields: Record<string, string>;
    /** Milliseconds part of the entry id: when Redis appended it. */
    arrivalTimestamp: number;
  };
}

export function arrivalMsOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

export function toRedisRecord(
  streamKey: string,
  id: string,
  flat: readonly string[],
  region: string,
): RedisStreamRecord {
  return {
    eventSource: 'sluice:redis',
    eventVersion: '1.0',
    eventSourceARN: `redis://${streamKey}`,
    eventID: `${streamKey}:${id}`,
    awsRegion: region,
    redis: { streamKey, id, fields: fieldsOf(flat), arrivalTimestamp: arrivalMsOf(id) },
  };
}

/** position and itemIdentifier are the entry id; lanes use `partitionKeyField` when set (else one lane). */
export function toStreamRecord(record: RedisStreamRecord, partitionKeyField?: string): StreamRecord {
  return {
    position: record.redis.id,
    partitionKey: partitionKeyField === undefined ? '' : (record.redis.fields[partitionKeyField] ?? ''),
    arrivalMs: record.redis.arrivalTimestamp,
    sizeBytes: jsonSize(record),
    record: record as unknown as Record<string, unknown>,
  };
}

/**
 * Byte length of JSON.stringify(record) without stringifying the envelope: ids are digits and a dash, so only the
 * key, the region and the fields need JSON escaping.
 */
export function jsonSize(r: RedisStreamRecord): number {
  const key = jsonBytesOf(r.redis.streamKey);
  const region = jsonBytesOf(r.awsRegion);
  const fields = Buffer.byteLength(JSON.stringify(r.redis.fields));
  const id = r.redis.id.length;
  const ts = String(r.redis.arrivalTimestamp).length;
  const arn = key + 8; // "redis://<key>"
  const eventId = key + 1 + id; // "<key>:<id>"
  return ENVELOPE_BYTES + arn + eventId + region + key + (id + 2) + fields + ts;
}

/** JSON byte length of a string, remembered: a source sizes every record with the same key and region. */
const jsonBytesCache = new Map<string, number>();
function jsonBytesOf(s: string): number {
  let n = jsonBytesCache.get(s);
  if (n === undefined) {
    n = Buffer.byteLength(JSON.stringify(s));
    if (jsonBytesCache.size < 1024) jsonBytesCache.set(s, n);
  }
  return n;
}

/** The constant characters of a record's JSON, every variable part left out. */
const ENVELOPE_BYTES =
  '{"eventSource":"sluice:redis","eventVersion":"1.0","eventSourceARN":,"eventID":,"awsRegion":,"redis":{"streamKey":,"id":,"fields":,"arrivalTimestamp":}}'
    .length;

export function buildRedisEvent(records: readonly StreamRecord[]): { Records: RedisStreamRecord[] } {
  return { Records: records.map((r) => r.record as unknown as RedisStreamRecord) };
}

/** A batch's event, its entry ids as item identifiers, and the on-failure record's `RedisStreamBatchInfo`. */
export function redisEvents(arn: string): StreamEvents {
  return {
    event: (_shard, records) => buildRedisEvent(records),
    itemIdentifier: (record) => record.position,
    // Kinesis's fields (§3.7) under the connector's own key, arrival times in milliseconds.
    failureInfo: (shard, records) => ({ RedisStreamBatchInfo: buildStreamBatchInfo(shard.id, arn, records, false) }),
  };
}

/** XREADGROUP/XAUTOCLAIM entries: [id, [f1, v1, ...] | null]. */
export type RawEntry = [string, string[] | null];

/** One-stream XREADGROUP reply: RESP2 `[[key, entries]]`, or RESP3's map flattened by ioredis `[key, entries]`. */
export function entriesOfRead(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (typeof reply[0] === 'string') return (reply[1] as RawEntry[] | undefined) ?? [];
  return (reply[0] as [string, RawEntry[]] | undefined)?.[1] ?? [];
}
