import { describe, expect, it, vi } from 'vitest';
import { createRecordFilter } from '../../../../src/index.js';
import { b64, errorsOf, matches, sourceOf, warningsOf } from './helpers.js';

const sqsRecord = (body: string) => ({
  messageId: 'm-1',
  receiptHandle: 'rh',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1545082649183',
    SenderId: 'A',
    ApproximateFirstReceiveTimestamp: '1545082649185',
  },
  messageAttributes: { Team: { stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String' } },
  md5OfBody: 'x',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
  awsRegion: 'us-east-1',
});

const kinesisRecord = (data: string, partitionKey = 'pk-1') => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey,
    sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    data,
    approximateArrivalTimestamp: 1545084650.987,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/r',
  awsRegion: 'us-east-1',
  eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
});

const kafkaRecord = (value: string | null) => ({
  topic: 'mytopic',
  partition: 0,
  offset: 15,
  timestamp: 1545084650987,
  timestampType: 'CREATE_TIME',
  key: b64('k1'),
  value,
  headers: [{ headerKey: [104, 105] }],
});

describe('FLT-8 SQS body', () => {
  const jsonPattern = { body: { RequestCode: ['BBBB'] } };
  const plainPattern = { body: [{ prefix: 'This' }] };

  it('FLT-8 plain body + plain rule: filter normally', () => {
    expect(matches(plainPattern, sqsRecord('This is a message'), 'sqs')).toBe(true);
    expect(matches(plainPattern, sqsRecord('Not this one'), 'sqs')).toBe(false);
  });

  it('FLT-8 plain body + no body pattern: filter on the other fields only', () => {
    expect(matches({ messageAttributes: { Team: { stringValue: ['blue'] } } }, sqsRecord('plain'), 'sqs')).toBe(true);
  });

  it('FLT-8 plain body + JSON object pattern: drop', () => {
    expect(matches({ body: { a: [{ exists: false }] } }, sqsRecord('plain text'), 'sqs')).toBe(false);
    expect(matches(jsonPattern, sqsRecord('RequestCode BBBB'), 'sqs')).toBe(false);
  });

  it('FLT-8 JSON body + plain rule: drop', () => {
    expect(matches({ body: [{ prefix: '{' }] }, sqsRecord('{"RequestCode":"BBBB"}'), 'sqs')).toBe(false);
    expect(matches({ body: [{ exists: true }] }, sqsRecord('[1,2]'), 'sqs')).toBe(false);
  });

  it('FLT-8 JSON body + no body pattern: filter on the other fields only', () => {
    expect(matches({ eventSource: ['aws:sqs'] }, sqsRecord('{"a":1}'), 'sqs')).toBe(true);
  });

  it('FLT-8 JSON body + JSON object pattern: filter on the parsed body', () => {
    expect(matches(jsonPattern, sqsRecord('{"RecordNumber":1,"RequestCode":"BBBB"}'), 'sqs')).toBe(true);
    expect(matches(jsonPattern, sqsRecord('{"RecordNumber":1,"RequestCode":"AAAA"}'), 'sqs')).toBe(false);
    expect(matches(jsonPattern, sqsRecord(' \n[{"RequestCode":"BBBB"}]'), 'sqs')).toBe(true);
  });

  it('FLT-8 a body that is a JSON scalar or broken JSON is a plain string', () => {
    expect(matches({ body: ['42'] }, sqsRecord('42'), 'sqs')).toBe(true);
    expect(matches({ body: [{ prefix: '{"a":' }] }, sqsRecord('{"a": 1'), 'sqs')).toBe(true);
    expect(matches({ body: { a: [1] } }, sqsRecord('{"a": 1'), 'sqs')).toBe(false);
  });

  it('FLT-4 body and metadata filters combine (AND) and OR across filters', () => {
    const p = { body: { a: [1] }, attributes: { ApproximateReceiveCount: ['1'] } };
    expect(matches(p, sqsRecord('{"a":1}'), 'sqs')).toBe(true);
    expect(matches(p, { ...sqsRecord('{"a":1}'), attributes: { ApproximateReceiveCount: '2' } }, 'sqs')).toBe(false);
    const f = createRecordFilter(
      { Filters: [{ Pattern: '{"body":{"a":[1]}}' }, { Pattern: '{"body":["x"]}' }] },
      sourceOf('sqs'),
    );
    expect(f(sqsRecord('{"a":1}'))).toBe(true);
    expect(f(sqsRecord('x'))).toBe(true);
    expect(f(sqsRecord('y'))).toBe(false);
  });

  it('FLT-8 a body pattern inside $or is decoded too', () => {
    const p = { $or: [{ body: { a: [1] } }, { body: ['plain'] }] };
    expect(matches(p, sqsRecord('{"a":1}'), 'sqs')).toBe(true);
    expect(matches(p, sqsRecord('plain'), 'sqs')).toBe(true);
    expect(matches(p, sqsRecord('{"a":2}'), 'sqs')).toBe(false);
  });
});

describe('FLT-9 Kinesis data', () => {
  const json = kinesisRecord(b64(JSON.stringify({ RECORD_TYPE: 'tech', temp: 31 })));
  const text = kinesisRecord(b64('just text'));

  it('FLT-9 valid JSON + JSON pattern: filter on the decoded data', () => {
    expect(matches({ data: { RECORD_TYPE: ['tech'] } }, json, 'kinesis')).toBe(true);
    expect(matches({ data: { temp: [{ numeric: ['>', 30] }] } }, json, 'kinesis')).toBe(true);
    expect(matches({ data: { RECORD_TYPE: ['retail'] } }, json, 'kinesis')).toBe(false);
  });

  it('FLT-9 patterns address the inner kinesis fields (partitionKey) and the record fields', () => {
    expect(matches({ partitionKey: ['pk-1'] }, json, 'kinesis')).toBe(true);
    expect(matches({ partitionKey: ['pk-2'] }, json, 'kinesis')).toBe(false);
    expect(matches({ eventName: ['aws:kinesis:record'], partitionKey: [{ prefix: 'pk' }] }, json, 'kinesis')).toBe(
      true,
    );
    expect(matches({ kinesis: { partitionKey: ['pk-1'], data: { temp: [31] } } }, json, 'kinesis')).toBe(true);
  });

  it('FLT-9 valid JSON + no data pattern: metadata only', () => {
    expect(matches({ partitionKey: ['pk-1'] }, text, 'kinesis')).toBe(true);
  });

  it('FLT-9 non-JSON data + JSON pattern: the record is dropped', () => {
    expect(matches({ data: { a: [{ exists: false }] } }, text, 'kinesis')).toBe(false);
    expect(matches({ data: { a: [1] } }, kinesisRecord(b64(new Uint8Array([0xff, 0xfe, 0x7b]))), 'kinesis')).toBe(
      false,
    );
  });

  it('FLT-9 a non-JSON (rule array) data pattern is rejected at create/update', () => {
    expect(errorsOf({ data: ['x'] }, 'kinesis')[0]?.path).toBe('FilterCriteria.Filters[0].Pattern.data');
    expect(errorsOf({ kinesis: { data: [{ prefix: 'x' }] } }, 'kinesis')).toHaveLength(1);
    expect(() => createRecordFilter({ Filters: [{ Pattern: '{"data":["x"]}' }] }, sourceOf('kinesis'))).toThrow(
      /FLT-9/,
    );
    expect(errorsOf({ data: ['x'] }, 'generic')).toEqual([]);
  });
});

describe('FLT-9 DynamoDB', () => {
  const record = {
    eventID: '1',
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: { Id: { N: '101' } },
      OldImage: { Id: { N: '101' }, Name: { S: 'AnyCompany Industries' }, Tags: { SS: ['a', 'b'] } },
      SequenceNumber: '111',
      SizeBytes: 26,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
  };

  it('FLT-9 dynamodb is matched as is, with typed attribute values', () => {
    expect(matches({ dynamodb: { Keys: { Id: { N: ['101'] } } } }, record, 'dynamodb')).toBe(true);
    expect(matches({ dynamodb: { OldImage: { Name: { S: [{ prefix: 'Any' }] } } } }, record, 'dynamodb')).toBe(true);
    expect(matches({ dynamodb: { OldImage: { Tags: { SS: ['b'] } } } }, record, 'dynamodb')).toBe(true);
    expect(matches({ dynamodb: { Keys: { Id: { N: [101] } } } }, record, 'dynamodb')).toBe(false);
  });

  it('FLT-9 warns that numeric never matches a DynamoDB "N" attribute', () => {
    const p = { dynamodb: { NewImage: { Id: { N: [{ numeric: ['>', 1] }] } } } };
    expect(warningsOf(p, 'dynamodb')[0]?.message).toMatch(/arrive as strings/);
    expect(matches(p, { dynamodb: { NewImage: { Id: { N: '101' } } } }, 'dynamodb')).toBe(false);
    expect(warningsOf({ dynamodb: { SizeBytes: [{ numeric: ['>', 1] }] } }, 'dynamodb')).toEqual([]);
  });

  it('FLT-4 metadata filters work: TTL deletes by userIdentity and eventName', () => {
    const ttl = { eventName: ['REMOVE'], userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] } };
    expect(matches(ttl, record, 'dynamodb')).toBe(true);
    expect(matches(ttl, { ...record, userIdentity: undefined }, 'dynamodb')).toBe(false);
  });
});

describe('FLT-10 Kafka value', () => {
  it('FLT-10 JSON value + JSON pattern: filter', () => {
    const r = kafkaRecord(b64('{"device":"phone","n":3}'));
    expect(matches({ value: { device: ['phone'] } }, r, 'kafka')).toBe(true);
    expect(matches({ value: { device: ['tablet'] } }, r, 'kafka')).toBe(false);
  });

  it('FLT-10 plain value + plain pattern: filter on the decoded UTF-8 text', () => {
    const r = kafkaRecord(b64('INFO started'));
    expect(matches({ value: [{ prefix: 'INFO' }] }, r, 'kafka')).toBe(true);
    expect(matches({ value: [{ prefix: 'ERROR' }] }, r, 'kafka')).toBe(false);
  });

  it('FLT-10 a mismatch either way only ignores the data rule; metadata filters still apply', () => {
    const plain = kafkaRecord(b64('INFO started'));
    const json = kafkaRecord(b64('{"device":"phone"}'));
    expect(matches({ value: { device: ['tablet'] } }, plain, 'kafka')).toBe(true);
    expect(matches({ value: [{ prefix: 'ERROR' }] }, json, 'kafka')).toBe(true);
    expect(matches({ value: { device: ['tablet'] }, topic: ['other'] }, plain, 'kafka')).toBe(false);
    expect(matches({ value: { device: ['tablet'] }, topic: ['mytopic'] }, plain, 'kafka')).toBe(true);
  });

  it('FLT-10 a value that is not UTF-8 falls back to metadata filters', () => {
    const r = kafkaRecord(b64(new Uint8Array([0xc3, 0x28, 0xff])));
    expect(matches({ value: ['x'], partition: [0] }, r, 'kafka')).toBe(true);
    expect(matches({ value: ['x'], partition: [1] }, r, 'kafka')).toBe(false);
  });

  it('FLT-10 a null value (tombstone) is matched as null', () => {
    expect(matches({ value: [null] }, kafkaRecord(null), 'kafka')).toBe(true);
    expect(matches({ value: [{ exists: true }], offset: [15] }, kafkaRecord(null), 'kafka')).toBe(true);
    expect(matches({ value: ['x'] }, kafkaRecord(null), 'kafka')).toBe(false);
  });

  it('FLT-4 Kafka metadata: key stays base64, headers are arrays of one-key objects', () => {
    const r = kafkaRecord(b64('x'));
    expect(matches({ key: [b64('k1')] }, r, 'kafka')).toBe(true);
    expect(matches({ headers: { headerKey: [104] } }, r, 'kafka')).toBe(true);
  });
});

describe('generic (Redis streams, memory)', () => {
  it('matches the record as is, with no decoding', () => {
    const r = { id: '1-0', body: '{"a":1}', value: b64('{"a":1}'), fields: { a: '1' } };
    expect(matches({ fields: { a: ['1'] } }, r)).toBe(true);
    expect(matches({ body: ['{"a":1}'] }, r)).toBe(true);
    expect(matches({ body: { a: [1] } }, r)).toBe(false);
  });
});

describe('decode once per record, only when needed (FLT-3)', () => {
  const counting = (body: string) => {
    let reads = 0;
    const record = { messageId: 'm' } as Record<string, unknown>;
    Object.defineProperty(record, 'body', {
      enumerable: true,
      get: () => {
        reads++;
        return body;
      },
    });
    return { record, reads: () => reads };
  };

  it('FLT-3 the data field is decoded once for all filters that address it', () => {
    const f = createRecordFilter(
      {
        Filters: [
          { Pattern: '{"body":{"a":[2]}}' },
          { Pattern: '{"body":{"b":[2]}}' },
          { Pattern: '{"$or":[{"body":{"c":[2]}},{"body":{"a":[1]}}]}' },
        ],
      },
      sourceOf('sqs'),
    );
    const c = counting('{"a":1}');
    expect(f(c.record)).toBe(true);
    expect(c.reads()).toBe(1);
  });

  it('FLT-3 no decoding when no pattern addresses the data field', () => {
    const f = createRecordFilter({ Filters: [{ Pattern: '{"messageId":["m"]}' }] }, sourceOf('sqs'));
    const c = counting('{"a":1}');
    expect(f(c.record)).toBe(true);
    expect(c.reads()).toBe(0);
  });

  it('FLT-3 each record gets its own decoding', () => {
    const f = createRecordFilter({ Filters: [{ Pattern: '{"body":{"a":[1]}}' }] }, sourceOf('sqs'));
    expect(f(sqsRecord('{"a":1}'))).toBe(true);
    expect(f(sqsRecord('{"a":2}'))).toBe(false);
    expect(f(sqsRecord('{"a":1}'))).toBe(true);
  });
});

describe('compiled once per mapping (DESIGN: never recompile per record)', () => {
  it('FLT-3 matching parses no JSON when no pattern addresses the data field', () => {
    const f = createRecordFilter({ Filters: [{ Pattern: '{"a":[{"numeric":[">",1]}]}' }] }, sourceOf('generic'));
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 100; i++) f({ a: i });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('FLT-3 matching parses each SQS body once and never the pattern again', () => {
    const f = createRecordFilter(
      { Filters: [{ Pattern: '{"body":{"a":[1]}}' }, { Pattern: '{"body":{"b":[1]}}' }] },
      sourceOf('sqs'),
    );
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 10; i++) f({ body: `{"a":${i}}` });
      expect(parse).toHaveBeenCalledTimes(10);
    } finally {
      parse.mockRestore();
    }
  });
});

describe("a connector's own data field (FilterSource)", () => {
  it('FLT-8..10 a source the engine does not name (data, base64) is decoded and matched from its description alone', () => {
    const source = {
      label: 'a broker',
      data: { path: ['data'], encoding: 'base64', form: 'text', mismatch: 'fail' },
    } as const;
    const f = createRecordFilter({ Filters: [{ Pattern: '{"data":{"kind":["a"]}}' }] }, source);
    expect(f({ data: b64('{"kind":"a"}') })).toBe(true);
    expect(f({ data: b64('{"kind":"b"}') })).toBe(false);
    // Plain text is data too with form text; a JSON pattern on it fails (mismatch: fail).
    expect(f({ data: b64('kind a') })).toBe(false);
    expect(createRecordFilter({ Filters: [{ Pattern: '{"data":["kind a"]}' }] }, source)({ data: b64('kind a') })).toBe(
      true,
    );
  });
});
