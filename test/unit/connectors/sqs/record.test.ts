import { describe, expect, it } from 'vitest';
import { toQueueMessage } from '../../../../connectors/sqs/record.js';

const ARN = 'arn:aws:sqs:us-east-2:123456789012:my-queue';

describe('SQS record (spec §5.1)', () => {
  it('builds the Lambda SQSRecord with attributes in Lambda order', () => {
    const m = toQueueMessage(
      {
        MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        ReceiptHandle: 'AQEB...',
        Body: 'Test message.',
        MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        Attributes: {
          SentTimestamp: '1545082649183',
          ApproximateReceiveCount: '1',
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: '1545082649185',
        },
      },
      ARN,
      'us-east-2',
    );
    expect(JSON.stringify(m.record)).toBe(
      JSON.stringify({
        messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        receiptHandle: 'AQEB...',
        body: 'Test message.',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1545082649183',
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: '1545082649185',
        },
        messageAttributes: {},
        md5OfMessageAttributes: null,
        md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        eventSource: 'aws:sqs',
        eventSourceARN: ARN,
        awsRegion: 'us-east-2',
      }),
    );
    expect(m).toMatchObject({ id: '059f36b4-87a3-44ab-83d2-661975830a7d', handle: 'AQEB...', receiveCount: 1 });
    expect(m.groupId).toBeUndefined();
    expect(m.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(m.record)) + 1);
  });

  it('maps FIFO fields, trace header and message attributes (binary as base64, empty lists)', () => {
    const m = toQueueMessage(
      {
        MessageId: 'id',
        ReceiptHandle: 'rh',
        Body: '{}',
        MD5OfBody: 'md5',
        MD5OfMessageAttributes: 'md5attrs',
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1',
          SequenceNumber: '18849496460467696128',
          MessageGroupId: 'g1',
          SenderId: 's',
          MessageDeduplicationId: 'd1',
          ApproximateFirstReceiveTimestamp: '2',
          AWSTraceHeader: 'Root=1-5f',
        },
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'v' },
          n: { DataType: 'Number.int', StringValue: '42' },
          b: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      },
      ARN,
      'us-east-2',
    );
    expect(m.groupId).toBe('g1');
    expect(m.record['attributes']).toEqual({
      ApproximateReceiveCount: '2',
      AWSTraceHeader: 'Root=1-5f',
      SentTimestamp: '1',
      SequenceNumber: '18849496460467696128',
      MessageGroupId: 'g1',
      SenderId: 's',
      MessageDeduplicationId: 'd1',
      ApproximateFirstReceiveTimestamp: '2',
    });
    expect(m.record['messageAttributes']).toEqual({
      s: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' },
      n: { stringValue: '42', stringListValues: [], binaryListValues: [], dataType: 'Number.int' },
      b: { binaryValue: 'aGk=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(m.record['md5OfMessageAttributes']).toBe('md5attrs');
  });
});
