import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { QueueEvents, QueueMessage } from '../../src/ports/queue-source.js';

// Lambda's order for the system attributes (spec §5.1); only these appear in the event.
const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'AWSTraceHeader',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function messageAttribute(v: MessageAttributeValue): Record<string, unknown> {
  return {
    ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
    ...(v.BinaryValue !== undefined ? { binaryValue: base64(v.BinaryValue) } : {}),
    stringListValues: v.StringListValues ?? [],
    binaryListValues: (v.BinaryListValues ?? []).map(base64),
    dataType: v.DataType,
  };
}

/** An SQS message as the engine holds it; its handle is the receipt handle of this receive. */
export type SqsMessage = QueueMessage<string>;

/** Lambda's SQS event (spec §5.1): `{"Records": [...]}`; the function names failed messages by messageId (SQS-17). */
export const sqsEvents: QueueEvents<SqsMessage> = {
  event: (msgs) => ({ Records: msgs.map((m) => m.record) }),
  envelopeBytes: Buffer.byteLength('{"Records":[]}'),
  itemIdentifier: (m) => m.id,
};

/** Builds the SQSRecord Lambda puts in `Records` (spec §5.1) and what the poller needs to batch it. */
export function toQueueMessage(m: Message, eventSourceARN: string, awsRegion: string): SqsMessage {
  const system = (m.Attributes ?? {}) as Record<string, string | undefined>;
  const attributes: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTES) {
    const v = system[name];
    if (v !== undefined) attributes[name] = v;
  }
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) messageAttributes[name] = messageAttribute(v);
  const record = {
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
  return {
    id: record.messageId,
    groupId: attributes['MessageGroupId'],
    // JSON bytes plus the comma between records (P-12).
    sizeBytes: Buffer.byteLength(JSON.stringify(record)) + 1,
    receiveCount: Number(attributes['ApproximateReceiveCount'] ?? 1),
    record,
    handle: record.receiptHandle,
  };
}
