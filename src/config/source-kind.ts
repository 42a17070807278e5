// Which kind of source an event source mapping reads, from its address (ARN or URI) and fields.

import type { Connection } from './schema.js';

export type SourceKind = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'redis' | 'memory-queue' | 'memory-stream';

/** How each source's data field is decoded for filtering (FLT-8..10); memory sources mimic SQS and Kinesis. */
export const FILTER_KIND: Record<SourceKind, 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'generic'> = {
  sqs: 'sqs',
  'memory-queue': 'sqs',
  kinesis: 'kinesis',
  'memory-stream': 'kinesis',
  dynamodb: 'dynamodb',
  kafka: 'kafka',
  redis: 'generic',
};

/** The connection type that reaches each kind of source or destination (memory needs none). */
export const CONNECTION_TYPE: Record<SourceKind, Connection['type'] | undefined> = {
  sqs: 'sqs',
  kinesis: 'kinesis',
  dynamodb: 'dynamodb',
  kafka: 'kafka',
  redis: 'redis',
  'memory-queue': undefined,
  'memory-stream': undefined,
};

export const QUEUE_KINDS: ReadonlySet<SourceKind> = new Set(['sqs', 'memory-queue']);

export function sourceKindOf(address: string | undefined, hasKafkaFields: boolean): SourceKind | undefined {
  if (address === undefined) return hasKafkaFields ? 'kafka' : undefined;
  if (/^arn:[\w-]+:sqs:[^:]*:[^:]*:[^:]+$/.test(address)) return 'sqs';
  if (/^arn:[\w-]+:kinesis:[^:]*:[^:]*:stream\/.+/.test(address)) return 'kinesis';
  if (/^arn:[\w-]+:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\/.+/.test(address)) return 'dynamodb';
  if (/^arn:[\w-]+:kafka:/.test(address) || address.startsWith('kafka://')) return 'kafka';
  if (address.startsWith('redis://')) return 'redis';
  if (address.startsWith('memory://queue/')) return 'memory-queue';
  if (address.startsWith('memory://stream/')) return 'memory-stream';
  return undefined;
}

/** Destination address forms sluice can deliver to (async destinations, DLQs, stream on-failure). */
export function isDestinationAddress(address: string): boolean {
  return (
    /^arn:[\w-]+:sqs:[^:]*:[^:]*:[^:]+$/.test(address) ||
    /^arn:[\w-]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(address) ||
    /^kafka:\/\/[^/]+/.test(address) ||
    /^redis:\/\/[^,*?[]+$/.test(address) ||
    /^https?:\/\/.+/.test(address) ||
    /^memory:\/\/.+/.test(address)
  );
}

/** The queue or stream name at the end of an ARN or URI, for logs and metric labels. */
export function sourceName(address: string): string {
  const parts = address.split(/[:/]/);
  return parts[parts.length - 1] ?? address;
}
