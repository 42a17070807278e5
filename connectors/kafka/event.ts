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

/** KAF-3: the headers' JSON (`[]` for none). */
export function headersJson(headers: KafkaMessageLike['headers']): string {
  if (headers === undefined) return '[]';
  for (const _ in headers) return JSON.stringify(headersOf(headers));
  return '[]';
}

/** Wraps a Kafka record object as the engine's StreamRecord (tests and tools; the source packs fetches, fetch-chunk.ts). */
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
