// Documented examples: the operator table of spec §6.2 (from the Lambda and EventBridge guides) and the
// sample event, complex rule and $or rules of the event-ruler README, with the results AWS documents.
import { describe, expect, it } from 'vitest';
import { matches } from './helpers.js';

describe('spec §6.2 operator table examples', () => {
  it('FLT-2 equals: "f": ["a", 1, true]', () => {
    const p = { f: ['a', 1, true] };
    for (const v of ['a', 1, true]) expect(matches(p, { f: v })).toBe(true);
    for (const v of ['b', 2, false, null]) expect(matches(p, { f: v })).toBe(false);
  });

  it('FLT-5 null and empty: "UserID": [null], "LastName": [""]', () => {
    expect(matches({ UserID: [null] }, { UserID: null })).toBe(true);
    expect(matches({ LastName: [''] }, { LastName: '' })).toBe(true);
  });

  it('Lambda operator table: equals, equals-ignore-case, and, or, not', () => {
    expect(matches({ Name: ['Alice'] }, { Name: 'Alice' })).toBe(true);
    expect(matches({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' })).toBe(true);
    expect(matches({ Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Monday' })).toBe(true);
    expect(matches({ Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Sunday' })).toBe(false);
    expect(matches({ PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' })).toBe(true);
    const orFields = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matches(orFields, { Location: 'Boston', Day: 'Monday' })).toBe(true);
    expect(matches({ Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' })).toBe(true);
    expect(matches({ Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' })).toBe(false);
  });

  it('Lambda operator table: numeric, exists, begins with, ends with', () => {
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, { Price: 100 })).toBe(true);
    expect(matches({ Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 })).toBe(true);
    expect(matches({ Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 10 })).toBe(false);
    expect(matches({ ProductName: [{ exists: true }] }, { ProductName: 'x' })).toBe(true);
    expect(matches({ ProductName: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ Region: [{ prefix: 'us-' }] }, { Region: 'us-west-2' })).toBe(true);
    expect(matches({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
  });

  it('EventBridge examples: prefix/suffix ignore case, anything-but variants, wildcard, cidr', () => {
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, { s: 'EventBridge' })).toBe(true);
    expect(matches({ s: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] }, { s: 'EventBridge' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'initializing' })).toBe(false);
    expect(matches({ s: [{ wildcard: 'dir/*.png' }] }, { s: 'dir/cat.png' })).toBe(true);
    expect(matches({ s: [{ cidr: '10.0.0.0/24' }] }, { s: '10.0.0.255' })).toBe(true);
  });
});

describe('event-ruler README examples', () => {
  const event = {
    version: '0',
    id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '012345679012',
    time: '2017-10-02T16:24:49Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
    detail: {
      'c-count': 5,
      'd-count': 3,
      'x-limit': 301.8,
      'source-ip': '10.0.0.33',
      'instance-id': 'i-000000aaaaaa00000',
      state: 'running',
    },
  };

  it('simple, prefix, suffix, equals-ignore-case and wildcard rules match the sample event', () => {
    expect(
      matches(
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
          detail: { state: ['initializing', 'running'] },
        },
        event,
      ),
    ).toBe(true);
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, event)).toBe(true);
    expect(matches({ source: [{ suffix: 'ec2' }] }, event)).toBe(true);
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, event)).toBe(true);
    expect(matches({ source: [{ wildcard: 'aws.*' }] }, event)).toBe(true);
  });

  it('the complex example matches', () => {
    const p = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(matches(p, event)).toBe(true);
    expect(matches(p, { ...event, detail: { ...event.detail, 'c-count': 6 } })).toBe(false);
  });

  it('numeric "=" with 3.018e2 matches 301.8', () => {
    expect(matches({ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event)).toBe(true);
  });

  it('FLT-7 exists:false matches when c-count is missing or is not a leaf', () => {
    const p = { detail: { 'c-count': [{ exists: false }] } };
    expect(matches(p, event)).toBe(false);
    expect(matches(p, { detail: { state: 'running' } })).toBe(true);
    expect(matches(p, { detail: { state: 'running', 'c-count': { c1: 100 } } })).toBe(true);
  });

  it('$or: normal, parallel, with AND inside, nested', () => {
    const cw = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 };
    expect(
      matches(
        { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
        cw,
      ),
    ).toBe(true);
    const nested = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    expect(matches(nested, cw)).toBe(true);
    expect(matches(nested, { ...cw, spaceId: 1 })).toBe(false);
    expect(matches(nested, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });

  it('FLT-6 array-consistent matching of the employees example', () => {
    const employees = {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    };
    expect(matches({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(false);
  });
});

describe('Lambda per-source guide examples', () => {
  it('FLT-9 Kinesis guide record: {"data": {"RequestCode": ["AAAA"]}} matches the base64 JSON data', () => {
    const record = {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        data: 'eyJSZWNvcmROdW1iZXIiOiAiMDAwMSIsICJUaW1lU3RhbXAiOiAieXl5eS1tbS1kZFRoaDptbTpzcyIsICJSZXF1ZXN0Q29kZSI6ICJBQUFBIn0=',
        approximateArrivalTimestamp: 1545084650.987,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    };
    expect(matches({ data: { RequestCode: ['AAAA'] } }, record, 'kinesis')).toBe(true);
    expect(matches({ data: { RequestCode: ['BBBB'] } }, record, 'kinesis')).toBe(false);
  });

  it('FLT-8 SQS guide: a JSON body filtered on a body key, a plain body on a body rule', () => {
    const json = {
      messageId: '1',
      body: '{"RecordNumber": "0001", "TimeStamp": "yyyy-mm-ddThh:mm:ss", "RequestCode": "AAAA"}',
    };
    expect(matches({ body: { RequestCode: ['AAAA'] } }, json, 'sqs')).toBe(true);
    const plain = { messageId: '2', body: 'This is a plain string message' };
    expect(matches({ body: [{ prefix: 'This' }] }, plain, 'sqs')).toBe(true);
  });

  it('FLT-9 DynamoDB guide: filtering on a key attribute with its type descriptor', () => {
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        Keys: { CustomerName: { S: 'AnyCompany Industries' } },
        NewImage: { AccountManager: { S: 'Pat Candella' }, PaymentTerms: { S: '60 days' } },
      },
    };
    expect(
      matches({ dynamodb: { Keys: { CustomerName: { S: ['AnyCompany Industries'] } } } }, record, 'dynamodb'),
    ).toBe(true);
    expect(
      matches(
        { eventName: ['INSERT'], dynamodb: { NewImage: { PaymentTerms: { S: [{ prefix: '60' }] } } } },
        record,
        'dynamodb',
      ),
    ).toBe(true);
  });
});
