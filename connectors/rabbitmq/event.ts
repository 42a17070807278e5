// The event Lambda sends for an Amazon MQ for RabbitMQ mapping (spec §1.1, RMQ-1..7, DA-1). AWS builds it with the
// RabbitMQ Java client serialized by Gson, which is where the `{"bytes": [...]}` long strings (signed Java bytes) and
// the `MMM d, yyyy, h:mm:ss a` dates come from; sluice renders both the same way, dates in UTC.
import type { MessageProperties } from 'amqplib';

/** The fifteen basic properties, each `null` when the publisher did not set it (RMQ-4). */
export interface RmqBasicProperties {
  contentType: string | null;
  contentEncoding: string | null;
  headers: Record<string, unknown> | null;
  deliveryMode: number | null;
  priority: number | null;
  correlationId: string | null;
  replyTo: string | null;
  expiration: string | null;
  messageId: string | null;
  timestamp: string | null;
  type: string | null;
  userId: string | null;
  appId: string | null;
  clusterId: string | null;
  bodySize: number;
}

/** One message of `rmqMessagesByQueue` (RMQ-3): exactly these three fields. */
export interface RmqMessage {
  basicProperties: RmqBasicProperties;
  redelivered: boolean;
  data: string;
}

export interface RmqEvent {
  eventSource: 'aws:rmq';
  eventSourceArn: string;
  rmqMessagesByQueue: Record<string, RmqMessage[]>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** POSIX seconds as `MMM d, yyyy, h:mm:ss a` in UTC (RMQ-5, DA-1): 2021 → "Jan 1, 1970, 12:33:41 AM". */
export function rmqTimestamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${time} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Bytes as Java's signed bytes (−128…127), DA-1. */
const signedBytes = (b: Uint8Array): number[] => Array.from(b, (x) => (x > 127 ? x - 256 : x));

/**
 * An AMQP field-table value as amqplib decodes it, rendered the way the Java client's object serializes (RMQ-6):
 * long strings `{"bytes": [...]}`, byte arrays as arrays of signed bytes, timestamps as date text, decimals as
 * numbers, tables as objects, arrays as arrays.
 */
export function headerValue(v: unknown): unknown {
  if (typeof v === 'string') return { bytes: signedBytes(Buffer.from(v, 'utf8')) };
  if (Buffer.isBuffer(v)) return signedBytes(v);
  if (Array.isArray(v)) return v.map(headerValue);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const tagged = o['!'];
    const value = o['value'] as { places: number; digits: number } | number;
    if (tagged === 'timestamp' && typeof value === 'number') return rmqTimestamp(value);
    if (tagged === 'decimal' && typeof value === 'object') return value.digits / 10 ** value.places;
    return headerTable(o);
  }
  return v; // numbers, booleans, null (void)
}

const headerTable = (t: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, headerValue(v)]));

/** AMQP short strings arrive as strings (expiration too); anything else is not a value the publisher set. */
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The basic properties of a delivery (RMQ-4): absent ones as null, `expiration` as its decimal string. */
export function basicProperties(p: Partial<MessageProperties>, bodySize: number): RmqBasicProperties {
  const headers: Record<string, unknown> | undefined = p.headers;
  return {
    contentType: str(p.contentType),
    contentEncoding: str(p.contentEncoding),
    // amqplib gives `{}` for a message without headers; Lambda shows null for them (RMQ-4).
    headers: headers === undefined || Object.keys(headers).length === 0 ? null : headerTable(headers),
    deliveryMode: num(p.deliveryMode),
    priority: num(p.priority),
    correlationId: str(p.correlationId),
    replyTo: str(p.replyTo),
    expiration: str(p.expiration),
    messageId: str(p.messageId),
    timestamp: typeof p.timestamp === 'number' ? rmqTimestamp(p.timestamp) : null,
    type: str(p.type),
    userId: str(p.userId),
    appId: str(p.appId),
    clusterId: str(p.clusterId),
    bodySize,
  };
}

export function toRmqMessage(
  content: Buffer,
  properties: Partial<MessageProperties>,
  redelivered: boolean,
): RmqMessage {
  return {
    basicProperties: basicProperties(properties, content.length),
    redelivered,
    data: content.toString('base64'),
  };
}

/** `"<queue>::<virtual host>"` (RMQ-2). */
export const queueKey = (queue: string, vhost: string): string => `${queue}::${vhost}`;

export function buildRmqEvent(arn: string, key: string, msgs: readonly RmqMessage[]): RmqEvent {
  return { eventSource: 'aws:rmq', eventSourceArn: arn, rmqMessagesByQueue: { [key]: [...msgs] } };
}

/**
 * The event's JSON up to its first message, and what closes it: JSON.stringify(buildRmqEvent(...)) is
 * `head` + the messages' JSON joined by commas + RMQ_EVENT_TAIL (#20: messages are serialised once, when received).
 */
export const rmqEventHead = (arn: string, key: string): string =>
  `{"eventSource":"aws:rmq","eventSourceArn":${JSON.stringify(arn)},"rmqMessagesByQueue":{${JSON.stringify(key)}:[`;
export const RMQ_EVENT_TAIL = ']}}';

/** Bytes of the event around its messages. */
export const rmqEnvelopeBytes = (arn: string, key: string): number =>
  Buffer.byteLength(JSON.stringify(buildRmqEvent(arn, key, [])));
