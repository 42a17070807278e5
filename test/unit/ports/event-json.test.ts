// #20 item 1: events are assembled from each record's JSON, written once at ingest. Every source's event must be
// byte for byte what JSON.stringify of the event object built the old way gives (the conformance suites check the
// shapes against the real servers; this checks the bytes, with unicode, binary, null and large values).
import { describe, expect, it } from 'vitest';
import { awsStreamEvents } from '../../../connectors/_aws/stream-source.js';
import {
  buildKafkaEvent,
  kafkaEvents,
  kafkaItemIdentifier,
  shardIdOf,
  toKafkaRecord,
  toStreamRecord,
  type KafkaMessageLike,
  type KafkaRecord,
} from '../../../connectors/kafka/event.js';
import { FetchChunk, kafkaStreamRecord } from '../../../connectors/kafka/fetch-chunk.js';
import { redisStreamRecord } from '../../../connectors/redis/read-pack.js';
import { toKinesisStreamRecord } from '../../../connectors/kinesis/record.js';
import { buildRedisEvent, redisRecordShape, toRedisRecord } from '../../../connectors/redis/event.js';
import { joinRecords, recordsEvent, withFields } from '../../../src/ports/event-json.js';
import type { StreamRecord } from '../../../src/ports/sources.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const large = Buffer.alloc(100 * 1024, 'ü€x');

const messages: KafkaMessageLike[] = [
  { key: Buffer.from('k'), value: Buffer.from('v'), timestamp: '1545084650987', offset: '7', headers: {} },
  { key: null, value: null, timestamp: '1545084650988', offset: '8' },
  { key: allBytes, value: allBytes, timestamp: '1', offset: '9', batchContext: { timestampType: 1 } },
  {
    key: Buffer.from('ü'),
    value: large,
    timestamp: '1545084650990',
    offset: '10',
    headers: { 'h"\\é': Buffer.from([0, 255]), '😀': [Buffer.from('a'), null, 'text'], gone: undefined },
  },
];

/** The Kafka event as sluice built it before #20: objects grouped by "<topic>-<partition>", then stringified. */
function oldKafkaEvent(servers: string, recs: KafkaRecord[], arn?: string): string {
  const records: Record<string, KafkaRecord[]> = {};
  for (const r of recs) (records[shardIdOf(r.topic, r.partition)] ??= []).push(r);
  return JSON.stringify(
    arn === undefined
      ? { eventSource: 'SelfManagedKafka', bootstrapServers: servers, records }
      : { eventSource: 'aws:kafka', eventSourceArn: arn, bootstrapServers: servers, records },
  );
}

describe('#20 event assembly from per-record JSON', () => {
  it('KAF-1 KAF-2 KAF-3 KAF-4 D-7 P-12 a Kafka record and event are byte for byte the old JSON (unicode, binary, null, 100 KB)', () => {
    const objects = messages.map((m) => toKafkaRecord('a.b_c-1', 3, m));
    const recs = messages.map((m) => kafkaStreamRecord('a.b_c-1', 3, m));
    recs.forEach((r, i) => {
      expect(r.json).toBe(JSON.stringify(objects[i]));
      expect(r.sizeBytes).toBe(Buffer.byteLength(r.json));
      expect(r.record).toEqual(JSON.parse(JSON.stringify(objects[i])));
      expect(r.position).toBe(messages[i]!.offset);
      expect(r.arrivalMs).toBe(Number(messages[i]!.timestamp));
    });
    expect(recs[0]!.partitionKey).toBe('aw==');
    expect(recs[1]!.partitionKey).toBe('');
    expect(buildKafkaEvent('b-1:9092,b-2:9092', recs).toString()).toBe(oldKafkaEvent('b-1:9092,b-2:9092', objects));
    const arn = 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1';
    expect(kafkaEvents('b:9092', arn).event({ id: 'a.b_c-1-3', parentIds: [] }, recs).toString()).toBe(
      oldKafkaEvent('b:9092', objects, arn),
    );
    expect(kafkaItemIdentifier(recs[2]!)).toEqual({ partition: 'a.b_c-1-3', offset: 9 });
  });

  it('KAF-1 records of several partitions are grouped in first-seen order, each in the order given', () => {
    const objects = [
      toKafkaRecord('t', 1, messages[0]!),
      toKafkaRecord('t', 0, messages[1]!),
      toKafkaRecord('t', 1, messages[2]!),
    ];
    const recs = [
      kafkaStreamRecord('t', 1, messages[0]!),
      kafkaStreamRecord('t', 0, messages[1]!),
      kafkaStreamRecord('t', 1, messages[2]!),
    ];
    expect(buildKafkaEvent('b:9092', recs).toString()).toBe(oldKafkaEvent('b:9092', objects));
    expect(buildKafkaEvent('b:9092', []).toString()).toBe(oldKafkaEvent('b:9092', []));
  });

  it('Redis Streams records and event are byte for byte the old JSON (escaped key, unicode, repeated and numeric fields, 100 KB)', () => {
    const entries: Array<[string, string, string[]]> = [
      ['orders', '1700000000123-4', ['type', 'created', 'id', '43']],
      ['k"\\é:1', '5-0', ['ü"', 'line\nbreak']],
      ['s', '6-1', ['b', '1', '10', 'x', '2', 'y', 'b', 'last']],
      ['s', '7-0', ['__proto__', 'p']],
      ['s', '8-0', ['body', large.toString('utf8')]],
      ['s', '9-0', []],
    ];
    const objects = entries.map(([key, id, flat]) => toRedisRecord(key, id, flat, 'eu-west-1'));
    const recs = entries.map(([key, id, flat]) => redisStreamRecord(redisRecordShape(key, 'eu-west-1'), id, flat, 'b'));
    recs.forEach((r, i) => {
      expect(r.json).toBe(JSON.stringify(objects[i]));
      expect(r.sizeBytes).toBe(Buffer.byteLength(r.json));
      expect(r.position).toBe(entries[i]![1]);
    });
    expect(recs[2]!.partitionKey).toBe('last');
    expect(recs[0]!.partitionKey).toBe('');
    expect(buildRedisEvent(recs).toString()).toBe(JSON.stringify({ Records: objects }));
  });

  it('Kinesis-shaped events (Kinesis, DynamoDB Streams, memory) are the old JSON, with or without pre-serialised records', () => {
    const ctx = {
      shardId: 'shardId-0',
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s',
      region: 'r',
      invokeIdentityArn: 'i',
    };
    const recs: StreamRecord[] = [allBytes, large, Buffer.alloc(0)].map((data, i) =>
      toKinesisStreamRecord(
        {
          SequenceNumber: String(i),
          PartitionKey: `pk "${i}" é`,
          Data: data,
          ApproximateArrivalTimestamp: new Date(i),
        },
        ctx,
      ),
    );
    const old = JSON.stringify({ Records: recs.map((r) => r.record) });
    expect(
      awsStreamEvents(ctx.streamArn, 'KinesisBatchInfo').event({ id: 'shardId-0', parentIds: [] }, recs).toString(),
    ).toBe(old);
    const withJson = recs.map((r) => ({ ...r, json: JSON.stringify(r.record) }));
    expect(recordsEvent(withJson).toString()).toBe(old);
    expect(recordsEvent([]).toString()).toBe(JSON.stringify({ Records: [] }));
    expect(joinRecords('[', withJson.slice(0, 1), ']').toString()).toBe(JSON.stringify([recs[0]!.record]));
  });

  it('STR-33 tumbling-window fields join the event as {...event, ...fields} did', () => {
    const base = { Records: [{ a: 'ü' }] };
    const extras = {
      window: { start: 'x', end: 'y' },
      state: { n: 1 },
      skipped: undefined,
      isFinalInvokeForWindow: false,
    };
    expect(withFields(Buffer.from(JSON.stringify(base)), extras).toString()).toBe(
      JSON.stringify({ ...base, ...extras }),
    );
    expect(withFields(Buffer.from(JSON.stringify(base)), {}).toString()).toBe(JSON.stringify(base));
    expect(withFields(Buffer.from('{}'), { state: null }).toString()).toBe(JSON.stringify({ state: null }));
  });

  it('records packed from one fetch give the same JSON and event bytes as records holding their text, mixed too', () => {
    const texts = messages.map((m) => toStreamRecord(toKafkaRecord('a.b_c', 1, m)));
    const packed: StreamRecord[] = [];
    FetchChunk.of('a.b_c', 1, shardIdOf('a.b_c', 1), messages).take(messages.length, packed);
    expect(packed.map((r) => r.json)).toEqual(texts.map((r) => r.json));
    expect(packed.every((r) => r.sizeBytes === Buffer.byteLength(r.json!))).toBe(true);
    expect(buildKafkaEvent('b:9092', packed).toString()).toBe(buildKafkaEvent('b:9092', texts).toString());
    // A run is copied at once only while it follows the slab in order; a record from elsewhere breaks it.
    const mixed = [packed[1]!, texts[0]!, packed[2]!, packed[0]!];
    expect(recordsEvent(mixed).toString()).toBe(`{"Records":[${mixed.map((r) => r.json).join(',')}]}`);
  });
});
