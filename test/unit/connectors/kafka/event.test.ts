import { describe, expect, it } from 'vitest';
import {
  buildKafkaEvent,
  kafkaBatchInfo,
  kafkaItemIdentifier,
  toKafkaRecord,
  toStreamRecord,
  type KafkaEvent,
} from '../../../../connectors/kafka/event.js';
import { kafkaStreamRecord } from '../../../../connectors/kafka/fetch-chunk.js';
import { originalKey } from '../../../../connectors/kafka/destination.js';
import {
  kafkaConnection,
  kafkaConnectionSchema,
  kafkaConnector,
  kafkaTopicOf,
} from '../../../../connectors/kafka/index.js';

const msg = {
  key: Buffer.from('abc'),
  value: Buffer.from('Hello, this is a test.'),
  timestamp: '1545084650987',
  offset: '15',
  headers: { headerKey: Buffer.from('headerValue'), multi: [Buffer.from([0x80, 0xff]), 'x'] },
};

describe('Kafka event shape (§4.1)', () => {
  it('KAF-2 a record read from kafkajs strings is the JSON of its record object, for plain, zero and negative numbers', () => {
    const cases: Array<[string, string]> = [
      ['15', '1545084650987'],
      ['0', '0'],
      ['123456789012345', '-1'],
    ];
    for (const [offset, timestamp] of cases) {
      const m = { ...msg, offset, timestamp };
      const r = kafkaStreamRecord('t', 0, m);
      expect(r.json).toBe(JSON.stringify(toKafkaRecord('t', 0, m)));
      expect([r.position, r.arrivalMs]).toEqual([offset, Number(timestamp)]);
    }
    // Past 2^53 the text keeps kafkajs' exact digits (a JSON number need not fit a double).
    const long = kafkaStreamRecord('t', 0, { ...msg, offset: '9007199254740993' });
    expect(long.json).toContain('"offset":9007199254740993,');
  });

  it('KAF-2/KAF-3 maps a kafkajs message to the Lambda record with base64 key/value and byte-array headers', () => {
    expect(toKafkaRecord('mytopic', 0, msg)).toEqual({
      topic: 'mytopic',
      partition: 0,
      offset: 15,
      timestamp: 1545084650987,
      timestampType: 'CREATE_TIME',
      key: 'YWJj',
      value: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
      headers: [
        { headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] },
        // D-7: bytes stay 0..255; a repeated header name gives one object per value, in order.
        { multi: [128, 255] },
        { multi: [120] },
      ],
    });
  });

  it('D-7 omits a null key and keeps a null value as null; LOG_APPEND_TIME from the batch attributes', () => {
    const r = toKafkaRecord('t', 3, {
      ...msg,
      key: null,
      value: null,
      headers: {},
      batchContext: { timestampType: 1 },
    });
    expect('key' in r).toBe(false);
    expect(r.value).toBeNull();
    expect(r.headers).toEqual([]);
    expect(r.timestampType).toBe('LOG_APPEND_TIME');
    expect(JSON.stringify(r)).toBe(
      '{"topic":"t","partition":3,"offset":15,"timestamp":1545084650987,"timestampType":"LOG_APPEND_TIME","value":null,"headers":[]}',
    );
  });

  it('KAF-1 groups a batch by "<topic>-<partition>" in offset order; KAF-15 identifiers', () => {
    const recs = [0, 1].map((i) => toStreamRecord(toKafkaRecord('my-topic', 2, { ...msg, offset: String(7 + i) })));
    expect(recs[0]).toMatchObject({ position: '7', partitionKey: 'YWJj', arrivalMs: 1545084650987 });
    expect(recs[0]!.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(recs[0]!.record)));
    // P-12 counts exact bytes: also with a null key/value, no headers, and header names that need escaping.
    for (const m of [
      { ...msg, key: null, value: null, headers: {} },
      { ...msg, headers: { 'h"\\é': Buffer.from([1]) } },
    ]) {
      const r = toStreamRecord(toKafkaRecord('a.b_c-1', 12, m));
      expect(r.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(r.record)));
    }
    const event = JSON.parse(buildKafkaEvent('b-1:9092,b-2:9092', recs).toString()) as KafkaEvent;
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(event.bootstrapServers).toBe('b-1:9092,b-2:9092');
    expect(Object.keys(event.records)).toEqual(['my-topic-2']);
    expect(event.records['my-topic-2']!.map((r) => r.offset)).toEqual([7, 8]);
    expect(kafkaItemIdentifier(recs[1]!)).toEqual({ partition: 'my-topic-2', offset: 8 });
  });
});

describe('Kafka on-failure batch info (KAF-17)', () => {
  it('KAF-17 describes the batch per topic-partition with first/last offsets and timestamps', () => {
    const recs = [0, 1, 2].map((i) =>
      toStreamRecord(
        toKafkaRecord('Topic', 0, { ...msg, offset: String(40 + i), timestamp: String(1573692000000 + i) }),
      ),
    );
    const info = kafkaBatchInfo('b-1:9092', recs);
    expect(info).toEqual({
      KafkaBatchInfo: {
        batchSize: 3,
        bootstrapServers: 'b-1:9092',
        payloadSize: Buffer.byteLength(buildKafkaEvent('b-1:9092', recs)),
        recordsInfo: {
          'Topic-0': {
            firstRecordOffset: '40',
            lastRecordOffset: '42',
            firstRecordTimestamp: '2019-11-14T00:40:00.000Z',
            lastRecordTimestamp: '2019-11-14T00:40:00.002Z',
          },
        },
      },
    });
  });
});

describe('Kafka connector definition', () => {
  it('KAF-16 serves kafka://<topic> addresses', () => {
    expect(kafkaConnector.matches('kafka://orders.v1')).toBe(true);
    expect(kafkaConnector.matches('kafka://')).toBe(false);
    expect(kafkaConnector.matches('redis://orders')).toBe(false);
    expect(kafkaTopicOf('kafka://a_b-c')).toBe('a_b-c');
  });

  it('KAF-4 an MSK cluster ARN with one topic gives eventSource aws:kafka and the cluster ARN', () => {
    const arn = 'arn:aws:kafka:us-east-1:123456789012:cluster/demo/abcd-1234';
    expect(kafkaConnector.matches(arn)).toBe(true);
    const ctx = {
      connection: { brokers: ['b-1:9092'] },
      region: 'us-east-1',
      accountId: '123456789012',
      logger: { debug() {}, info() {}, warn() {}, error() {}, child: () => ctx.logger },
      metrics: { inc() {}, set() {}, observe() {} },
    };
    const opts = { mappingId: 'm', startingPosition: { type: 'LATEST' as const } };
    expect(() => kafkaConnector.createStreamSource!(arn, opts, ctx)).toThrow(/exactly one topic/);
    const source = kafkaConnector.createStreamSource!(arn, { ...opts, settings: { topics: ['orders'] } }, ctx);
    expect(source.arn).toBe(arn);
    const recs = [toStreamRecord(toKafkaRecord('orders', 0, msg))];
    expect(JSON.parse(source.events.event({ id: 'orders-0', parentIds: [] }, recs).toString())).toMatchObject({
      eventSource: 'aws:kafka',
      eventSourceArn: arn,
      bootstrapServers: 'b-1:9092',
      records: { 'orders-0': [{ offset: 15 }] },
    });
    expect(source.events.failureInfo({ id: 'orders-0', parentIds: [] }, recs)).toMatchObject({
      KafkaBatchInfo: { eventSourceArn: arn, batchSize: 1 },
    });
  });

  it('validates the connection and lists every problem', () => {
    expect(kafkaConnection({ brokers: ['localhost:9092'] }).brokers).toEqual(['localhost:9092']);
    // KAFKA_BOOTSTRAP_SERVERS as one comma-separated string also works.
    expect(kafkaConnection({ type: 'kafka', brokers: 'b-1:9092, b-2:9092' }).brokers).toEqual(['b-1:9092', 'b-2:9092']);
    const problems = (c: unknown) =>
      kafkaConnectionSchema.safeParse(c).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(problems({ brokers: ['nope'], sasl: { mechanism: 'x' }, consumer: { foo: 1 } })).toEqual([
      ['brokers.0', 'must be "host:port"'],
      ['sasl.mechanism', expect.stringContaining('"plain"|"scram-sha-256"|"scram-sha-512"')],
      ['sasl.username', expect.any(String)],
      ['sasl.password', expect.any(String)],
      ['consumer', 'Unrecognized key: "foo"'],
    ]);
    expect(problems({})).toEqual([['brokers', expect.any(String)]]);
    expect(() => kafkaConnection({})).toThrow(/invalid Kafka connection: brokers/);
  });

  it('KAF-16 a Kafka destination reuses the key of the single record in a KAF-18 payload', () => {
    const payload = { records: { 't-0': [{ key: Buffer.from('k1').toString('base64') }] } };
    expect(originalKey({ payload })?.toString()).toBe('k1');
    expect(originalKey({ payload: { records: { 't-0': [{}] } } })).toBeNull();
    expect(originalKey({ requestContext: {} })).toBeNull();
  });
});
