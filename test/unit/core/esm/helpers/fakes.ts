// In-test fakes for the stream engine: a stream source with shards held in arrays, a scripted invoker,
// a destination, metrics and a silent logger. No network.
import type { InvokeRequest, InvokeResult } from '../../../../../src/ports/function-runtime.js';
import type { Logger } from '../../../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../../../src/ports/metrics.js';
import type {
  DeliveryContext,
  Destination,
  ReadResult,
  ShardInfo,
  ShardReader,
  StartPosition,
  StreamEvents,
  StreamRecord,
  StreamSource,
} from '../../../../../src/ports/sources.js';
import { recordsEvent } from '../../../../../src/ports/event-json.js';
import { buildStreamBatchInfo } from '../../../../../src/ports/stream-batch-info.js';
import type { Invoker } from '../../../../../src/core/invoke/types.js';
import type { StreamMappingOptions } from '../../../../../src/core/esm/stream-options.js';
import type { SimClock } from './sim-clock.js';

export interface FakeShard {
  id: string;
  parentIds: string[];
  records: StreamRecord[];
  closed: boolean;
}

export interface KinesisLike {
  eventID: string;
  kinesis: { sequenceNumber: string; partitionKey: string; data: string };
}

let positionCounter = 0;

export class FakeStreamSource implements StreamSource {
  readonly kind = 'kinesis';
  readonly arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/test';
  /** 'source': the engine commits through the readers (as for Kafka, Redis); every commit lands in `commits`. */
  positions: 'engine' | 'source' = 'engine';
  /** Positions passed to any reader's commit, in call order, with the index in `opens` of the reader used. */
  readonly commits: Array<{ shardId: string; position: string; open: number }> = [];
  /** Kinesis's event and on-failure batch info; tests replace members (Kafka-like batch info, per-record messages). */
  readonly events: StreamEvents = {
    event: (_shard, records) => recordsEvent(records),
    itemIdentifier: (record) => this.identifier(record),
    failureInfo: (shard, records) => ({ KinesisBatchInfo: buildStreamBatchInfo(shard.id, this.arn, records, false) }),
  };
  readonly shards = new Map<string, FakeShard>();
  readonly opens: Array<{ shardId: string; from: StartPosition }> = [];
  /** Number of upcoming reads that throw an expired-iterator error. */
  failReads = 0;
  /** The limit of every read, in call order. */
  readonly readLimits: number[] = [];
  /** Long-poll like Redis XREAD BLOCK / Kafka: an empty read waits this long before returning. */
  blockMs = 0;
  /** sizeBytes = the record's exact JSON size (as the connectors do) instead of a nominal 100 or the one given. */
  exactSizes = false;
  identifier: (r: StreamRecord) => unknown = (r) => (r.record as unknown as KinesisLike).kinesis.sequenceNumber;

  private readonly shardListeners = new Set<() => void>();

  constructor(private readonly clock: SimClock) {}

  onShardsChanged(listener: () => void): () => void {
    this.shardListeners.add(listener);
    return () => this.shardListeners.delete(listener);
  }

  /** Tells the engine the shard set changed (as a Kafka rebalance does). */
  notifyShardsChanged(): void {
    for (const l of this.shardListeners) l();
  }

  addShard(id: string, parentIds: string[] = []): this {
    this.shards.set(id, { id, parentIds, records: [], closed: false });
    return this;
  }

  closeShard(id: string): void {
    this.shard(id).closed = true;
  }

  /** Appends records; `data` is the payload text, used by tests to script the function. */
  put(
    shardId: string,
    items: Array<string | { data: string; key?: string; arrivalMs?: number; sizeBytes?: number }>,
  ): StreamRecord[] {
    const shard = this.shard(shardId);
    const added = items.map((item) => {
      const spec = typeof item === 'string' ? { data: item } : item;
      const position = String(++positionCounter).padStart(20, '0');
      const key = spec.key ?? 'pk';
      const record: StreamRecord = {
        position,
        partitionKey: key,
        arrivalMs: spec.arrivalMs ?? this.clock.now(),
        sizeBytes: spec.sizeBytes ?? 100,
        record: {
          eventID: `${shardId}:${position}`,
          kinesis: { sequenceNumber: position, partitionKey: key, data: spec.data },
        },
      };
      // As every connector does: the record's exact JSON size (P-12).
      if (this.exactSizes) record.sizeBytes = Buffer.byteLength(JSON.stringify(record.record));
      shard.records.push(record);
      return record;
    });
    return added;
  }

  /** Shards left out of listShards, like a Kafka partition assigned to another group member. */
  readonly hidden = new Set<string>();

  listShards(): Promise<ShardInfo[]> {
    return Promise.resolve(
      [...this.shards.values()]
        .filter((s) => !this.hidden.has(s.id))
        .map((s) => ({ id: s.id, parentIds: [...s.parentIds], closed: s.closed })),
    );
  }

  open(info: ShardInfo, from: StartPosition): Promise<ShardReader> {
    const openIndex = this.opens.push({ shardId: info.id, from }) - 1;
    const shard = this.shard(info.id);
    let cursor = 0;
    if (from.type === 'LATEST') cursor = shard.records.length;
    else if (from.type === 'AFTER') cursor = shard.records.findIndex((r) => r.position === from.position) + 1;
    else if (from.type === 'AT_TIMESTAMP') {
      const i = shard.records.findIndex((r) => r.arrivalMs >= from.timestampMs);
      cursor = i < 0 ? shard.records.length : i;
    }
    return Promise.resolve({
      read: async (limit: number, signal: AbortSignal): Promise<ReadResult> => {
        this.readLimits.push(limit);
        if (this.failReads > 0) {
          this.failReads--;
          throw new Error('ExpiredIteratorException: Iterator expired');
        }
        if (this.blockMs > 0 && cursor >= shard.records.length) await this.clock.sleep(this.blockMs, signal);
        const records = shard.records.slice(cursor, cursor + limit);
        cursor += records.length;
        return { records, endOfShard: shard.closed && cursor >= shard.records.length };
      },
      commit: (position: string) => {
        this.commits.push({ shardId: info.id, position, open: openIndex });
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private shard(id: string): FakeShard {
    const s = this.shards.get(id);
    if (!s) throw new Error(`no shard ${id}`);
    return s;
  }
}

export interface InvokeCall {
  at: number;
  /** Bytes of the invoke payload as sent. */
  bytes: number;
  event: { Records: KinesisLike[]; [k: string]: unknown };
  data: string[];
}

export type Behaviour = (call: InvokeCall, index: number) => InvokeResult | Promise<InvokeResult>;

export class ScriptedInvoker implements Invoker {
  readonly calls: InvokeCall[] = [];
  inflight = 0;
  maxInflight = 0;

  constructor(
    private readonly clock: SimClock,
    public behaviour: Behaviour = () => ok(),
  ) {}

  async invoke(_fn: string, req: InvokeRequest): Promise<InvokeResult> {
    const event = JSON.parse(req.payload.toString('utf8')) as InvokeCall['event'];
    const call: InvokeCall = {
      at: this.clock.now(),
      bytes: req.payload.length,
      event,
      data: event.Records.map((r) => r.kinesis.data),
    };
    const index = this.calls.push(call) - 1;
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    try {
      return await this.behaviour(call, index);
    } finally {
      this.inflight--;
    }
  }

  has(): boolean {
    return true;
  }

  /** Every record data value seen, in call order. */
  get seen(): string[] {
    return this.calls.flatMap((c) => c.data);
  }
}

export function ok(body?: unknown): InvokeResult {
  return {
    kind: 'success',
    payload: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    durationMs: 1,
    coldStart: false,
  };
}

export function fnError(message = 'boom'): InvokeResult {
  return {
    kind: 'function-error',
    payload: Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: message })),
    errorType: 'Error',
    durationMs: 1,
    coldStart: false,
  };
}

export function throttle(): InvokeResult {
  return { kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate exceeded' };
}

export function systemError(): InvokeResult {
  return { kind: 'system-error', statusCode: 502, errorType: 'ServiceException', message: 'bad gateway' };
}

export class FakeDestination implements Destination {
  readonly arn = 'arn:aws:sqs:us-east-1:123456789012:failures';
  readonly sent: Array<Record<string, unknown>> = [];
  failNext = 0;

  send(record: unknown, _ctx: DeliveryContext): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('destination unavailable'));
    }
    this.sent.push(record as Record<string, unknown>);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class RecordingMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  lastLabels: Labels | undefined;
  readonly labels = new Map<string, Labels | undefined>();

  inc(name: string, labels?: Labels, value = 1): void {
    this.lastLabels = labels;
    this.labels.set(name, labels);
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }

  /** Gauges by name and `state` label (sluice_shard_state). */
  readonly states = new Map<string, number>();

  set(name: string, labels: Labels, value: number): void {
    this.gauges.set(name, value);
    if (labels.state !== undefined) this.states.set(`${name}:${labels.state}`, value);
  }

  observe(): void {}

  count(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

export function streamOptions(overrides: Partial<StreamMappingOptions> = {}): StreamMappingOptions {
  return {
    mappingId: 'm-1',
    functionName: 'fn',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    batchSize: 100,
    maxBatchingWindowMs: 0,
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeMs: -1,
    reportBatchItemFailures: false,
    tumblingWindowMs: 0,
    startingPosition: { type: 'TRIM_HORIZON' },
    pollIntervalMs: 1000,
    retryBackoff: { baseMs: 100, maxMs: 2000 },
    shardDiscoveryIntervalMs: 1000,
    ...overrides,
  };
}
