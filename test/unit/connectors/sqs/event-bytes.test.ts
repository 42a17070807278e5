// #20: the SQS event is assembled from each message's JSON written once at receive; it must stay byte-for-byte the
// JSON.stringify of the event object sluice built before (spec §5.1).
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sqsEvents, toQueueMessage } from '../../../../connectors/sqs/record.js';

const ARN = 'arn:aws:sqs:us-east-2:123456789012:my-queue.fifo';
const SYSTEM = [
  'ApproximateReceiveCount',
  'AWSTraceHeader',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
];
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The record object the connector built before #20, verbatim. */
function oldRecord(m: Message, eventSourceARN: string, awsRegion: string): Record<string, unknown> {
  const system = (m.Attributes ?? {}) as Record<string, string | undefined>;
  const attributes: Record<string, string> = {};
  for (const name of SYSTEM) {
    const v = system[name];
    if (v !== undefined) attributes[name] = v;
  }
  const attr = (v: MessageAttributeValue) => ({
    ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
    ...(v.BinaryValue !== undefined ? { binaryValue: b64(v.BinaryValue) } : {}),
    stringListValues: v.StringListValues ?? [],
    binaryListValues: (v.BinaryListValues ?? []).map(b64),
    dataType: v.DataType,
  });
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) messageAttributes[name] = attr(v);
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes,
    messageAttributes,
    md5OfMessageAttributes: m.MD5OfMessageAttributes ?? null,
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

const messages: Message[] = [
  { MessageId: 'a', ReceiptHandle: 'rh-a', Body: 'plain', MD5OfBody: 'm', Attributes: { SentTimestamp: '1' } },
  // Unicode, quotes, control characters, a lone surrogate and line separators in body and attributes.
  {
    MessageId: 'b',
    ReceiptHandle: 'rh/b+=',
    Body: 'héllo "wörld" \\ \n\t\u0001 \u2028\u2029 😀 \ud800 </script>',
    MD5OfBody: 'm2',
    MD5OfMessageAttributes: 'ma',
    Attributes: {
      ApproximateReceiveCount: '3',
      AWSTraceHeader: 'Root=1-5f;Parent=x',
      SentTimestamp: '1545082649183',
      SequenceNumber: '18849496460467696128',
      MessageGroupId: 'grüppe "1"',
      SenderId: 'AIDA',
      MessageDeduplicationId: 'dédup',
      ApproximateFirstReceiveTimestamp: '1545082649185',
      DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-2:1:src',
      // Not a system attribute Lambda passes on: left out.
      SomethingElse: 'x',
    } as Message['Attributes'],
    MessageAttributes: {
      s: { DataType: 'String', StringValue: 'v "ü" 😀' },
      n: { DataType: 'Number.int', StringValue: '42' },
      b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 255, 10]) },
      '7': { DataType: 'String.custom', StringValue: '' },
      'na.me-x_y': { DataType: 'String', StringListValues: ['a', 'é'], BinaryListValues: [Buffer.from('hi')] },
      nodt: { StringValue: 'no data type' } as MessageAttributeValue,
    },
  },
  // Large body (256 KB of multi-byte text) and fields SQS left out.
  { MessageId: 'c', Body: 'ü'.repeat(128 * 1024) },
  {},
];

describe('SQS event bytes (#20, spec §5.1)', () => {
  it('P-12 each record JSON is JSON.stringify of the old record object, and sizeBytes its UTF-8 length plus a comma', () => {
    for (const m of messages) {
      const q = toQueueMessage(m, ARN, 'us-east-2');
      const old = oldRecord(m, ARN, 'us-east-2');
      expect(q.json).toBe(JSON.stringify(old));
      expect(q.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(old)) + 1);
      expect(q.record).toEqual(JSON.parse(JSON.stringify(old)));
    }
  });

  it('SQS-21 the event is byte-for-byte JSON.stringify of the old {Records} event, FIFO fields kept', () => {
    const qs = messages.map((m) => toQueueMessage(m, ARN, 'us-east-2'));
    const old = { Records: messages.map((m) => oldRecord(m, ARN, 'us-east-2')) };
    expect(sqsEvents.event(qs).toString()).toBe(JSON.stringify(old));
    expect(sqsEvents.event([]).toString()).toBe('{"Records":[]}');
    expect(qs[1]!.groupId).toBe('grüppe "1"');
    expect(qs[1]!.receiveCount).toBe(3);
    expect(qs[1]!.handle).toBe('rh/b+=');
    expect(sqsEvents.itemIdentifier!(qs[1]!)).toBe('b');
  });
});
