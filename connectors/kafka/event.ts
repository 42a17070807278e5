// The self-managed Kafka event (spec §4.1): records grouped by "<topic>-<partition>", key/value in base64,
// headers as arrays of one-key objects holding byte arrays (D-7: bytes 0..255, a null key is left out).
import { assembleEvent, JsonStreamRecord, jsonLiteral, type EventPart } from '../../src/ports/event-json.js';
import type { StreamEvents, StreamRecord } from '../../src/ports/sources.js';

/** The fields of a kafkajs message this module reads (kept structural so tests need no broker). */
export interface KafkaMessageLike {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  /** kafkajs gives `null` for a header whose value is null (length -1 on the wire). */
  headers?: Record<string, Buffer | string | null | (Buffer | string | null)[] | undefined>;
  /** kafkajs attaches the record batch context; timestampType 1 = LOG_APPEND_TIME. */
  batchContext?: { timestampType?: number };
}

export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key?: string;
  value: string | null;
  headers: Array<Record<string, number[]>>;
}

export interface KafkaEvent {
  eventSource: 'SelfManagedKafka' | 'aws:kafka';
  /** MSK only (KAF-4): the cluster ARN. */
  eventSourceArn?: string;
  bootstrapServers: string;
  records: Record<string, KafkaRecord[]>;
}

/** KAF-15: the identifier a function returns for a failed Kafka record. */
export interface KafkaItemIdentifier {
  partition: string;
  offset: number;
}

export function shardIdOf(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

// KAF-3: a null header value becomes an empty byte array (Lambda's events carry no null there); it used to throw
// inside eachBatch and crash the consumer in a loop.
function bytes(v: Buffer | string | null): number[] {
  if (v === null) return [];
  return [...(typeof v === 'string' ? Buffer.from(v) : v)];
}

/** KAF-3 / D-7: one object per header value, in kafkajs order (it merges repeated names into arrays). */
export function headersOf(headers: KafkaMessageLike['headers']): Array<Record<string, number[]>> {
  const out: Array<Record<string, number[]>> = [];
  if (headers === undefined) return out;
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push({ [name]: bytes(one) });
  }
  return out;
}

export function toKafkaRecord(topic: string, partition: number, m: KafkaMessageLike): KafkaRecord {
  const offset = Number(m.offset);
  const timestamp = Number(m.timestamp);
  const timestampType = m.batchContext?.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
  const value = m.value === null ? null : m.value.toString('base64');
  const headers = headersOf(m.headers);
  // D-7: a null key is omitted; a null value stays null. Two plain literals (not a spread, which costs a
  // dictionary-mode object per record on the hot path) keep the field order of the JSON.
  if (m.key === null) return { topic, partition, offset, timestamp, timestampType, value, headers };
  return { topic, partition, offset, timestamp, timestampType, key: m.key.toString('base64'), value, headers };
}

/**
 * A Kafka record as the engine's StreamRecord: its Lambda JSON is written once, straight from the fetched message
 * (key and value base64-encoded once from their Buffers), and the object form is parsed from that JSON only when
 * something asks for it (filters, the on-failure path). Position is the offset, lanes use the key.
 */
export class KafkaStreamRecord extends JsonStreamRecord {
  /** A packed record's offset; its position string is made only when asked (most records are never asked). */
  private readonly offset: number;

  constructor(
    /** "<topic>-<partition>": the event's group and the item identifier's `partition` (KAF-1, KAF-15). */
    readonly shardId: string,
    position: string | number,
    partitionKey: string,
    arrivalMs: number,
    json: string | Buffer,
    sizeBytes: number,
    start = 0,
    /** A packed record's base64 key in its slab (-1: the key given, or none): read only when asked (lanes, D-2). */
    private readonly keyAt = -1,
    private readonly keyLength = 0,
  ) {
    super(typeof position === 'string' ? position : '', partitionKey, arrivalMs, json, sizeBytes, start);
    this.offset = typeof position === 'string' ? -1 : position;
  }

  override get position(): string {
    return this.offset < 0 ? super.position : String(this.offset);
  }

  override get partitionKey(): string {
    const at = this.keyAt;
    return at < 0 || this.slab === undefined
      ? super.partitionKey
      : this.slab.toString('latin1', at, at + this.keyLength);
  }
}

/** A message's record JSON and what a partition buffer keeps beside it (see fetch-chunk.ts). */
export interface KafkaRecordJson {
  json: string;
  offset: number;
  timestamp: number;
  /** Index in `json` where the base64 key starts (-1: null key), and its length. */
  keyAt: number;
  keyLength: number;
  /** No headers: then only the topic name could hold non-ASCII characters. */
  noHeaders: boolean;
}

/**
 * The record's JSON exactly as JSON.stringify(toKafkaRecord(...)) writes it: topic names ([A-Za-z0-9._-]),
 * numbers and base64 need no escaping, so only the headers go through JSON.stringify.
 */
/** What every record of a partition starts with: written once per fetch. */
export function kafkaRecordPrefix(topic: string, partition: number): string {
  return `{"topic":${jsonLiteral(topic)},"partition":${partition},"offset":`;
}

// The constant parts around the numbers, and their lengths for the key's place.
const TIMESTAMP = ',"timestamp":';
const TYPE_CREATE = ',"timestampType":"CREATE_TIME"';
const TYPE_LOG_APPEND = ',"timestampType":"LOG_APPEND_TIME"';
const KEY = ',"key":"';

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

export function kafkaRecordJson(prefix: string, m: KafkaMessageLike): KafkaRecordJson {
  const key = m.key === null ? undefined : m.key.toString('base64');
  const type = m.batchContext?.timestampType === 1 ? TYPE_LOG_APPEND : TYPE_CREATE;
  // The offset and timestamp strings go in as kafkajs wrote them (no number-to-string conversion per record).
  const offset = jsonInteger(m.offset);
  const timestamp = jsonInteger(m.timestamp);
  const headers = headersJson(m.headers);
  const value = m.value === null ? 'null' : `"${m.value.toString('base64')}"`;
  // D-7: a null key is omitted; a null value stays null.
  const json =
    key === undefined
      ? `${prefix}${offset}${TIMESTAMP}${timestamp}${type},"value":${value},"headers":${headers}}`
      : `${prefix}${offset}${TIMESTAMP}${timestamp}${type}${KEY}${key}","value":${value},"headers":${headers}}`;
  const keyAt =
    key === undefined
      ? -1
      : prefix.length + offset.length + TIMESTAMP.length + timestamp.length + type.length + KEY.length;
  return {
    json,
    offset: Number(offset),
    timestamp: Number(timestamp),
    keyAt,
    keyLength: key?.length ?? 0,
    noHeaders: headers === '[]',
  };
}

/** One message as a record holding its JSON text (tools, samples, tests; the source packs whole fetches). */
export function kafkaStreamRecord(
  topic: string,
  partition: number,
  m: KafkaMessageLike,
  /** The partition's shard id when the caller has it. */
  shardId = shardIdOf(topic, partition),
): KafkaStreamRecord {
  const r = kafkaRecordJson(kafkaRecordPrefix(topic, partition), m);
  const key = r.keyAt < 0 ? '' : r.json.slice(r.keyAt, r.keyAt + r.keyLength);
  return new KafkaStreamRecord(shardId, String(r.offset), key, r.timestamp, r.json, Buffer.byteLength(r.json));
}

function headersJson(headers: KafkaMessageLike['headers']): string {
  if (headers === undefined) return '[]';
  for (const _ in headers) return JSON.stringify(headersOf(headers));
  return '[]';
}

/** Wraps a Kafka record object as the engine's StreamRecord (tests and tools; the source uses kafkaStreamRecord). */
export function toStreamRecord(record: KafkaRecord): KafkaStreamRecord {
  const json = JSON.stringify(record);
  const { topic, partition, offset, key, timestamp } = record;
  return new KafkaStreamRecord(
    shardIdOf(topic, partition),
    String(offset),
    key ?? '',
    timestamp,
    json,
    Buffer.byteLength(json),
  );
}

/** KAF-1: records keyed by "<topic>-<partition>", in offset order (the engine hands them in order). */
export function buildKafkaEvent(
  bootstrapServers: string,
  records: readonly StreamRecord[],
  clusterArn?: string,
): Buffer {
  // KAF-4: MSK says aws:kafka and names the cluster; self-managed Kafka has no ARN.
  const head =
    clusterArn === undefined
      ? `{"eventSource":"SelfManagedKafka","bootstrapServers":${jsonLiteral(bootstrapServers)},"records":{`
      : `{"eventSource":"aws:kafka","eventSourceArn":${jsonLiteral(clusterArn)},` +
        `"bootstrapServers":${jsonLiteral(bootstrapServers)},"records":{`;
  // A batch is normally one partition; the groups come in first-seen order, as the object's keys did.
  const parts: EventPart[] = [];
  let sep = head;
  for (const [shardId, list] of groupByShard(records)) {
    parts.push(`${sep}${jsonLiteral(shardId)}:[`, list);
    sep = '],';
  }
  parts.push(parts.length === 0 ? `${head}}}` : ']}}');
  return assembleEvent(parts);
}

function shardOf(r: StreamRecord): string {
  if (r instanceof KafkaStreamRecord) return r.shardId;
  const rec = r.record as unknown as KafkaRecord;
  return shardIdOf(rec.topic, rec.partition);
}

function groupByShard(records: readonly StreamRecord[]): Map<string, StreamRecord[]> {
  const groups = new Map<string, StreamRecord[]>();
  if (records.length === 0) return groups;
  const firstShard = shardOf(records[0]!);
  // The usual case, one partition: no copy of the array.
  if (records.every((r) => shardOf(r) === firstShard)) return groups.set(firstShard, records as StreamRecord[]);
  for (const r of records) {
    const id = shardOf(r);
    const list = groups.get(id);
    if (list === undefined) groups.set(id, [r]);
    else list.push(r);
  }
  return groups;
}

export function kafkaItemIdentifier(record: StreamRecord): KafkaItemIdentifier {
  return { partition: shardOf(record), offset: Number(record.position) };
}

/**
 * KAF-17: the batch description of a Kafka on-failure record. Self-managed Kafka has no cluster ARN (KAF-4), so
 * `eventSourceArn` is there for MSK only; payloadSize is the size in bytes of the event the batch made.
 */
export function kafkaBatchInfo(
  bootstrapServers: string,
  records: readonly StreamRecord[],
  clusterArn?: string,
): Record<string, unknown> {
  const recordsInfo: Record<string, Record<string, string>> = {};
  for (const r of records) {
    const rec = r.record as unknown as KafkaRecord;
    const id = shardIdOf(rec.topic, rec.partition);
    const info = recordsInfo[id];
    const ts = new Date(rec.timestamp).toISOString();
    if (info === undefined)
      recordsInfo[id] = {
        firstRecordOffset: String(rec.offset),
        lastRecordOffset: String(rec.offset),
        firstRecordTimestamp: ts,
        lastRecordTimestamp: ts,
      };
    else {
      info.lastRecordOffset = String(rec.offset);
      info.lastRecordTimestamp = ts;
    }
  }
  return {
    KafkaBatchInfo: {
      batchSize: records.length,
      ...(clusterArn === undefined ? {} : { eventSourceArn: clusterArn }),
      bootstrapServers,
      payloadSize: buildKafkaEvent(bootstrapServers, records, clusterArn).length,
      recordsInfo,
    },
  };
}

/**
 * KAF-18: the message a Kafka topic destination gets for one given-up record: the batch record's context with
 * `KafkaBatchInfo.recordInfo` for that record and a `payload` holding a Kafka event with it alone. The AWS example
 * names the retry condition `RetriesExhausted`. A record dropped for MaximumPayloadSizeExceeded carries no payload
 * (it could not fit the destination topic either, as Lambda drops SNS payloads that are too big).
 */
export function kafkaRecordFailure(
  bootstrapServers: string,
  record: StreamRecord,
  batchRecord: Record<string, unknown>,
  clusterArn?: string,
): Record<string, unknown> {
  const rec = record.record as unknown as KafkaRecord;
  const context = batchRecord.requestContext as { condition?: string } | undefined;
  const condition = context?.condition === 'RetryAttemptsExhausted' ? 'RetriesExhausted' : context?.condition;
  const payloadBytes = buildKafkaEvent(bootstrapServers, [record], clusterArn);
  const payload = JSON.parse(payloadBytes.toString('utf8')) as unknown;
  const rest = Object.fromEntries(Object.entries(batchRecord).filter(([k]) => k !== 'KafkaBatchInfo'));
  return {
    ...rest,
    requestContext: { ...context, condition },
    KafkaBatchInfo: {
      batchSize: 1,
      ...(clusterArn === undefined ? {} : { eventSourceArn: clusterArn }),
      bootstrapServers,
      payloadSize: payloadBytes.length,
      recordInfo: { offset: String(rec.offset), timestamp: new Date(rec.timestamp).toISOString() },
    },
    ...(condition === 'MaximumPayloadSizeExceeded' ? {} : { payload }),
  };
}

/** The Kafka event (KAF-2), item identifiers (KAF-15), on-failure batch info (KAF-17) and per-record topic messages. */
export function kafkaEvents(bootstrapServers: string, clusterArn?: string): StreamEvents {
  return {
    event: (_shard, records) => buildKafkaEvent(bootstrapServers, records, clusterArn),
    itemIdentifier: (record) => kafkaItemIdentifier(record),
    failureInfo: (_shard, records) => kafkaBatchInfo(bootstrapServers, records, clusterArn),
    // KAF-18: a Kafka topic destination gets one message per record, with the record itself as payload.
    destinationRecords: (destinationArn, _shard, records, batchRecord) =>
      destinationArn.startsWith('kafka://')
        ? records.map((r) => kafkaRecordFailure(bootstrapServers, r, batchRecord, clusterArn))
        : undefined,
  };
}
