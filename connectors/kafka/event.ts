// The self-managed Kafka event (spec §4.1): records grouped by "<topic>-<partition>", key/value in base64,
// headers as arrays of one-key objects holding byte arrays (D-7: bytes 0..255, a null key is left out).
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

/** Wraps a Kafka record as the engine's StreamRecord; position is the offset, lanes use the key. */
export function toStreamRecord(record: KafkaRecord): StreamRecord {
  return {
    position: String(record.offset),
    partitionKey: record.key ?? '',
    arrivalMs: record.timestamp,
    sizeBytes: jsonSize(record),
    record: record as unknown as Record<string, unknown>,
  };
}

/**
 * Byte length of JSON.stringify(record) without stringifying it all: topic names ([A-Za-z0-9._-]), numbers and
 * base64 need no escaping, so only the headers go through JSON.stringify.
 */
export function jsonSize(r: KafkaRecord): number {
  // {"topic":"…","partition":…,"offset":…,"timestamp":…,"timestampType":"…", counted without building it.
  const head =
    HEAD_BYTES +
    r.topic.length +
    numberLength(r.partition) +
    numberLength(r.offset) +
    numberLength(r.timestamp) +
    r.timestampType.length;
  const key = r.key === undefined ? 0 : 9 + r.key.length; // ,"key":"…"
  const value = 9 + (r.value === null ? 4 : r.value.length + 2); // ,"value":…
  const headers = 11 + (r.headers.length === 0 ? 2 : Buffer.byteLength(JSON.stringify(r.headers))); // ,"headers":…
  return head + key + value + headers + 1;
}

const HEAD_BYTES = '{"topic":"","partition":,"offset":,"timestamp":,"timestampType":""'.length;

/** Length of String(n) for the integers of a record, without allocating the string. */
function numberLength(n: number): number {
  if (!Number.isSafeInteger(n)) return String(n).length;
  let len = n < 0 ? 2 : 1;
  for (let v = Math.abs(n); v >= 10; v = Math.floor(v / 10)) len++;
  return len;
}

/** KAF-1: records keyed by "<topic>-<partition>", in offset order (the engine hands them in order). */
export function buildKafkaEvent(
  bootstrapServers: string,
  records: readonly StreamRecord[],
  clusterArn?: string,
): KafkaEvent {
  const grouped: Record<string, KafkaRecord[]> = {};
  // A batch is normally one partition: look its group up again only when the partition changes.
  let list: KafkaRecord[] | undefined;
  let topic: string | undefined;
  let partition: number | undefined;
  for (const r of records) {
    const rec = r.record as unknown as KafkaRecord;
    if (list === undefined || rec.partition !== partition || rec.topic !== topic) {
      ({ topic, partition } = rec);
      list = grouped[shardIdOf(topic, partition)] ??= [];
    }
    list.push(rec);
  }
  // KAF-4: MSK says aws:kafka and names the cluster; self-managed Kafka has no ARN.
  return clusterArn === undefined
    ? { eventSource: 'SelfManagedKafka', bootstrapServers, records: grouped }
    : { eventSource: 'aws:kafka', eventSourceArn: clusterArn, bootstrapServers, records: grouped };
}

export function kafkaItemIdentifier(record: StreamRecord): KafkaItemIdentifier {
  const rec = record.record as unknown as KafkaRecord;
  return { partition: shardIdOf(rec.topic, rec.partition), offset: rec.offset };
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
      payloadSize: Buffer.byteLength(JSON.stringify(buildKafkaEvent(bootstrapServers, records, clusterArn))),
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
  const payload = buildKafkaEvent(bootstrapServers, [record], clusterArn);
  const rest = Object.fromEntries(Object.entries(batchRecord).filter(([k]) => k !== 'KafkaBatchInfo'));
  return {
    ...rest,
    requestContext: { ...context, condition },
    KafkaBatchInfo: {
      batchSize: 1,
      ...(clusterArn === undefined ? {} : { eventSourceArn: clusterArn }),
      bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(payload)),
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
