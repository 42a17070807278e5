// The event a function gets for a Redis stream batch: Kinesis-like `{ Records: [...] }` (documented in README.md).
import type { StreamEvents, StreamRecord } from '../../src/ports/sources.js';
import { JsonStreamRecord, jsonLiteral, recordsEvent } from '../../src/ports/event-json.js';
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

/**
 * A Redis stream entry as the engine's StreamRecord: its JSON is written once when it is read, and the object form
 * is parsed from it only when something asks (filters, the on-failure path).
 */
export class RedisStreamEntryRecord extends JsonStreamRecord {}

/** The parts of a record's JSON that depend on the stream key and region only: written once per source. */
export interface RedisRecordShape {
  /** Up to the entry id in eventID. */
  readonly head: string;
  /** From awsRegion up to the entry id in `redis.id`. */
  readonly mid: string;
}

export function redisRecordShape(streamKey: string, region: string): RedisRecordShape {
  const key = jsonLiteral(streamKey);
  const inner = key.slice(1, -1);
  return {
    head: `{"eventSource":"sluice:redis","eventVersion":"1.0","eventSourceARN":"redis://${inner}","eventID":"${inner}:`,
    mid: `"awsRegion":${jsonLiteral(region)},"redis":{"streamKey":${key},"id":"`,
  };
}

/** Wraps a Redis record object as the engine's StreamRecord (tests and tools; the source packs reads, read-pack.ts). */
export function toStreamRecord(record: RedisStreamRecord, partitionKeyField?: string): RedisStreamEntryRecord {
  const json = JSON.stringify(record);
  const partitionKey = partitionKeyField === undefined ? '' : (record.redis.fields[partitionKeyField] ?? '');
  return new RedisStreamEntryRecord(
    record.redis.id,
    partitionKey,
    record.redis.arrivalTimestamp,
    json,
    Buffer.byteLength(json),
  );
}

export function buildRedisEvent(records: readonly StreamRecord[]): Buffer {
  return recordsEvent(records);
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

/** XREADGROUP/XAUTOCLAIM entries: [id, [f1, v1, ...] | null]; the fields as Buffers when read with callBuffer. */
export type RawEntry = [string, string[] | Buffer[] | null];

/** One-stream XREADGROUP reply: RESP2 `[[key, entries]]`, or RESP3's map flattened by ioredis `[key, entries]`. */
export function entriesOfRead(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  // The key first: RESP3's flattened map (a Buffer when read with callBuffer).
  if (typeof reply[0] === 'string' || Buffer.isBuffer(reply[0])) return (reply[1] as RawEntry[] | undefined) ?? [];
  return (reply[0] as [string, RawEntry[]] | undefined)?.[1] ?? [];
}

/**
 * entriesOfRead of a reply read with callBuffer (every string a Buffer): the ids become strings (digits and a dash),
 * the fields stay Buffers for read-pack.ts.
 */
export function entriesOfBufferRead(reply: unknown): RawEntry[] {
  return entriesOfRead(reply).map(([id, flat]) => [(id as string | Buffer).toString('latin1'), flat]);
}
