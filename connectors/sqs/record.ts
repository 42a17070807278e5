import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { jsonLiteral, recordsEvent } from '../../src/ports/event-json.js';
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
const str = (s: string) => JSON.stringify(s);

/** One MessageAttributeValue as Lambda writes it: string/binary value when set, both lists always, then dataType. */
function messageAttributeJson(v: MessageAttributeValue): string {
  let out = '{';
  if (v.StringValue !== undefined) out += `"stringValue":${str(v.StringValue)},`;
  if (v.BinaryValue !== undefined) out += `"binaryValue":"${base64(v.BinaryValue)}",`;
  out += `"stringListValues":${JSON.stringify(v.StringListValues ?? [])}`;
  out += `,"binaryListValues":${JSON.stringify((v.BinaryListValues ?? []).map(base64))}`;
  // An absent DataType is left out, as JSON.stringify leaves out an undefined field.
  if (v.DataType !== undefined) out += `,"dataType":${str(v.DataType)}`;
  return out + '}';
}

/**
 * An SQS message as the engine holds it; its handle is the receipt handle of this receive. Its SQSRecord JSON is
 * written once when received (#20) and the object form is parsed from it only when filters ask.
 */
export class SqsMessage implements QueueMessage<string> {
  private parsed: Record<string, unknown> | undefined;

  constructor(
    readonly id: string,
    readonly groupId: string | undefined,
    readonly receiveCount: number,
    readonly handle: string,
    readonly json: string,
    readonly sizeBytes: number,
  ) {}

  get record(): Record<string, unknown> {
    return (this.parsed ??= JSON.parse(this.json) as Record<string, unknown>);
  }
}

/** Lambda's SQS event (spec §5.1): `{"Records": [...]}`; the function names failed messages by messageId (SQS-17). */
export const sqsEvents: QueueEvents<SqsMessage> = {
  event: recordsEvent,
  envelopeBytes: Buffer.byteLength('{"Records":[]}'),
  itemIdentifier: (m) => m.id,
};

/**
 * The SQSRecord Lambda puts in `Records` (spec §5.1), written as JSON exactly as JSON.stringify of the record object
 * (field order messageId … awsRegion) would write it, and what the poller needs to batch it.
 */
export function toQueueMessage(m: Message, eventSourceARN: string, awsRegion: string): SqsMessage {
  const system = (m.Attributes ?? {}) as Record<string, string | undefined>;
  let attributes = '';
  for (const name of SYSTEM_ATTRIBUTES) {
    const v = system[name];
    if (v !== undefined) attributes += `${attributes === '' ? '' : ','}"${name}":${str(v)}`;
  }
  let messageAttributes = '';
  const given = m.MessageAttributes;
  if (given !== undefined) {
    for (const name in given) {
      const v = given[name];
      if (v === undefined) continue;
      messageAttributes += `${messageAttributes === '' ? '' : ','}${str(name)}:${messageAttributeJson(v)}`;
    }
  }
  const messageId = m.MessageId ?? '';
  const receiptHandle = m.ReceiptHandle ?? '';
  const md5Attrs = m.MD5OfMessageAttributes === undefined ? 'null' : str(m.MD5OfMessageAttributes);
  const json =
    `{"messageId":${str(messageId)},"receiptHandle":${str(receiptHandle)},"body":${str(m.Body ?? '')}` +
    `,"attributes":{${attributes}},"messageAttributes":{${messageAttributes}},"md5OfMessageAttributes":${md5Attrs}` +
    `,"md5OfBody":${str(m.MD5OfBody ?? '')},"eventSource":"aws:sqs","eventSourceARN":${jsonLiteral(eventSourceARN)}` +
    `,"awsRegion":${jsonLiteral(awsRegion)}}`;
  return new SqsMessage(
    messageId,
    system['MessageGroupId'],
    Number(system['ApproximateReceiveCount'] ?? 1),
    receiptHandle,
    json,
    // JSON bytes plus the comma between records (P-12).
    Buffer.byteLength(json) + 1,
  );
}
