// The memory connector: named in-process queues and streams, addressed as memory://queue/<name> and
// memory://stream/<name>. One broker per process is shared by the mappings, the destinations and the
// HTTP route that puts records (POST /sluice/memory/...).
import {
  QUEUE_SOURCE,
  STREAM_SOURCE,
  type ConnectorContext,
  type ConnectorDefinition,
} from '../../src/ports/connector.js';
import type { FilterSource } from '../../src/ports/filter-source.js';
import { bodyOf, type Destination } from '../../src/ports/sources.js';
import { MemoryQueue } from './queue.js';
import { MemoryQuota } from './quota.js';
import { MemoryStream } from './stream.js';

export { MemoryQueue } from './queue.js';
export { MemoryStream } from './stream.js';
export { MemoryQuota } from './quota.js';

export interface MemoryBrokerOptions {
  region: string;
  accountId: string;
  visibilityTimeoutMs: number;
  streamShards?: number;
  retentionMs?: number;
  /** Cap over all queues and streams together (records and bytes); unlimited by default. */
  maxRecords?: number;
  maxBytes?: number;
  /** Per-queue attributes (config `memoryQueues`); a queue not listed gets the defaults above. */
  queues?: Record<string, MemoryQueueSettings>;
  /** Told when a message moves to its dead-letter queue. */
  onRedrive?(move: { queue: string; messageId: string; receiveCount: number; deadLetterQueue: string }): void;
}

export interface MemoryQueueSettings {
  visibilityTimeoutMs?: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

export class MemoryBroker {
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly streams = new Map<string, MemoryStream>();
  readonly quota: MemoryQuota;

  constructor(private readonly options: MemoryBrokerOptions) {
    this.quota = new MemoryQuota(options.maxRecords, options.maxBytes);
  }

  queue(name: string): MemoryQueue {
    let q = this.queues.get(name);
    if (q === undefined) {
      const settings = this.options.queues?.[name];
      const redrive = settings?.redrive;
      const dlq = redrive === undefined ? undefined : QUEUE.exec(redrive.deadLetterTargetArn)?.[1];
      q = new MemoryQueue(name, `memory://queue/${name}`, {
        visibilityTimeoutMs: settings?.visibilityTimeoutMs ?? this.options.visibilityTimeoutMs,
        region: this.options.region,
        quota: this.quota,
        redrive:
          redrive === undefined || dlq === undefined
            ? undefined
            : {
                ...redrive,
                target: () => this.queue(dlq),
                onMoved: (messageId, receiveCount) =>
                  this.options.onRedrive?.({ queue: name, messageId, receiveCount, deadLetterQueue: dlq }),
              },
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Names of the queues and streams that exist so far (created on first use). */
  names(): { queues: string[]; streams: string[] } {
    return { queues: [...this.queues.keys()], streams: [...this.streams.keys()] };
  }

  stream(name: string): MemoryStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new MemoryStream(name, `memory://stream/${name}`, {
        shards: this.options.streamShards ?? 1,
        retentionMs: this.options.retentionMs ?? 24 * 3600 * 1000,
        region: this.options.region,
        quota: this.quota,
      });
      this.streams.set(name, s);
    }
    return s;
  }

  hasQueue(name: string): boolean {
    return this.queues.has(name);
  }

  hasStream(name: string): boolean {
    return this.streams.has(name);
  }
}

const QUEUE = /^memory:\/\/queue\/([A-Za-z0-9_.-]+)$/;
const STREAM = /^memory:\/\/stream\/([A-Za-z0-9_.-]+)$/;

/** Queue records carry an SQS-like `body`, stream records a Kinesis-like base64 `kinesis.data`. */
const QUEUE_FILTER: FilterSource = {
  label: 'memory queue',
  data: { path: ['body'], encoding: 'text', form: 'text', mismatch: 'fail' },
};
const STREAM_FILTER: FilterSource = {
  label: 'memory stream',
  data: { path: ['kinesis', 'data'], encoding: 'base64', form: 'json', mismatch: 'fail' },
};

/** The broker the app made for this process (ConnectorContext.instance): mappings, destinations and routes share it. */
function brokerOf(ctx: ConnectorContext): MemoryBroker {
  if (!(ctx.instance instanceof MemoryBroker)) throw new Error('the memory connector needs the broker of this sluice');
  return ctx.instance;
}

/** In-process queues and streams; needs no connection, only the process's broker. */
export const memoryConnector: ConnectorDefinition = {
  kind: 'memory',
  matches: (address) => QUEUE.test(address) || STREAM.test(address),
  // Memory queues and streams mimic SQS and Kinesis, filters included.
  sourceAt: (address) =>
    address.startsWith('memory://queue/')
      ? { ...QUEUE_SOURCE, filter: QUEUE_FILTER, needsConnection: false, fifo: address.endsWith('.fifo') }
      : address.startsWith('memory://stream/')
        ? { ...STREAM_SOURCE, filter: STREAM_FILTER, needsConnection: false }
        : undefined,
  isDestination: (address) => /^memory:\/\/.+/.test(address),
  sourceHint: 'memory://queue/<name>, memory://stream/<name>',
  destinationHint: 'memory://queue/<name>, memory://stream/<name>',
  createQueueSource: (address, ctx) => {
    const name = QUEUE.exec(address)?.[1];
    if (name === undefined) throw new Error(`not a memory queue address: ${address}`);
    return brokerOf(ctx).queue(name).source();
  },
  createStreamSource: (address, _options, ctx) => {
    const name = STREAM.exec(address)?.[1];
    if (name === undefined) throw new Error(`not a memory stream address: ${address}`);
    return brokerOf(ctx).stream(name).source();
  },
  createDestination: (address, ctx): Destination => {
    const broker = brokerOf(ctx);
    const q = QUEUE.exec(address)?.[1];
    const s = STREAM.exec(address)?.[1];
    return {
      arn: address,
      // A full broker's throw becomes a rejection, as every destination reports a failed send.
      send: (record) =>
        new Promise<void>((resolve) => {
          const body = bodyOf(record);
          if (q !== undefined) broker.queue(q).send(body);
          else if (s !== undefined) broker.stream(s).put('destination', Buffer.from(body));
          else throw new Error(`not a memory address: ${address}`);
          resolve();
        }),
      close: () => Promise.resolve(),
    };
  },
};
