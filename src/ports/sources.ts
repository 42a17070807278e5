// Contracts of stream sources and destinations (queue sources: queue-source.ts). Connectors build the
// Lambda-shaped record themselves (they know the wire format); the engine batches, filters, invokes and
// acknowledges without knowing the broker.

export interface ShardInfo {
  id: string;
  parentIds: string[];
  /** True once the shard is closed (split/merge) and fully readable. */
  closed?: boolean;
}

export type StartPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestampMs: number }
  /** Resume after a checkpoint: the position of the last record that is done. */
  | { type: 'AFTER'; position: string };

export interface StreamRecord {
  /** Ordered position within the shard (sequence number, offset, entry id). */
  position: string;
  /** Key used for lanes when ParallelizationFactor > 1 (D-2). */
  partitionKey: string;
  arrivalMs: number;
  /** UTF-8 length of the record's JSON in the event (of `json` when set). */
  sizeBytes: number;
  /** The record as the function gets it; connectors that keep `json` may parse it from there on first use. */
  readonly record: Record<string, unknown>;
  /** The record's JSON, serialised once at ingest (#20): events are assembled from it (ports/event-json.ts). */
  readonly json?: string;
  /** What filters see when it differs from `record` (Kafka schema registry SOURCE format filters decoded data, DA-9). */
  filterView?: Record<string, unknown>;
  /**
   * The connector could not turn this record into an event (Kafka schema validation, DA-8): it is never invoked; the
   * engine gives it up at once with this condition (on-failure destination, else dropped).
   */
  rejected?: { condition: 'SchemaValidationFailed'; reason: string };
}

/** A record with the shard it was read from (a filter dry-run's sample). */
export interface ShardRecord {
  shardId: string;
  record: StreamRecord;
}

/** #21 redrive: the inclusive positions of one shard that an on-failure record names. */
export interface OffsetRange {
  shardId: string;
  first: string;
  last: string;
}

/** The records of a range read back, or why they cannot be. */
export type RangeRead = { records: StreamRecord[] } | { gone: string };

export interface ReadResult {
  records: StreamRecord[];
  /** The shard is closed and every record has been returned. */
  endOfShard: boolean;
  millisBehindLatest?: number;
}

export interface ShardReader {
  read(limit: number, signal: AbortSignal): Promise<ReadResult>;
  /**
   * Sources with `positions: 'source'` only: every record up to and including `position` is done (Kafka commits
   * offset+1, Redis XACKs the delivered prefix). The engine calls it in order, only with done-prefix positions
   * (STR-9), never past a record still being handled, and only on a reader it has not closed.
   */
  commit?(position: string): Promise<void>;
  close(): Promise<void>;
}

/** What a connector builds from its records: the function's event and the on-failure record's parts. */
export interface StreamEvents {
  /**
   * The UTF-8 JSON of the event the function receives for a batch from one shard (§5.2, §5.3, §4.1), assembled
   * from the records' JSON (ports/event-json.ts); the engine sends these bytes as they are.
   */
  event(shard: ShardInfo, records: readonly StreamRecord[]): Buffer;
  /** Identifier a function returns in `batchItemFailures[].itemIdentifier` for this record. */
  itemIdentifier(record: StreamRecord): unknown;
  /**
   * The batch-info part of the on-failure record (§3.7), merged into it as is: `{ KinesisBatchInfo }`,
   * `{ DDBStreamBatchInfo }` (second-precision arrival times), Kafka's `{ KafkaBatchInfo, ... }` (KAF-17), ...
   */
  failureInfo(shard: ShardInfo, records: readonly StreamRecord[]): Record<string, unknown>;
  /**
   * The messages an on-failure destination at `destinationArn` gets in place of the one batch record
   * `batchRecord`, or undefined to send `batchRecord` (KAF-18: a Kafka topic gets one message per record).
   */
  destinationRecords?(
    destinationArn: string,
    shard: ShardInfo,
    records: readonly StreamRecord[],
    batchRecord: Record<string, unknown>,
  ): unknown[] | undefined;
}

export interface StreamSource {
  /** Its connector's kind: the `source` label of the mapping's metrics. */
  readonly kind: string;
  readonly arn: string;
  /**
   * Who keeps the shards' positions. engine: the state store's checkpoints (Kinesis, DynamoDB, memory).
   * source: the source itself (Kafka group offsets, Redis consumer-group acks): the engine writes the done prefix
   * through `ShardReader.commit`, `open` resumes from the source's own position, and the engine never reads or
   * writes the state store's checkpoints for it.
   */
  readonly positions: 'engine' | 'source';
  readonly events: StreamEvents;
  listShards(): Promise<ShardInfo[]>;
  open(shard: ShardInfo, from: StartPosition): Promise<ShardReader>;
  /**
   * The idle poll cadence per shard when the config sets none (tuning.streamPollIntervalMs, D-13): AWS polls a
   * Kinesis shard once a second (STR-1) and a DynamoDB Streams shard 4 times a second (STR-3).
   */
  readonly defaultPollIntervalMs?: number;
  /**
   * How long the engine waits after a read returned nothing, instead of the mapping's pollIntervalMs. Sources
   * whose read already waits for records (Kafka's buffer, Redis' XREADGROUP BLOCK) say 0: sleeping on top of
   * that wait delayed the first record after an idle moment by up to the whole interval.
   */
  readonly idlePollMs?: number;
  /**
   * The most bytes one read returns whatever its record limit, when the server caps a page in bytes (DynamoDB
   * Streams 1 MB, Kinesis 10 MiB). The engine keeps a shard's first read to one batch while it does not know how
   * large the records are; a source whose page is capped below the byte read-ahead can take a whole page at once.
   */
  readonly maxReadBytes?: number;
  /**
   * A source with its own positions normally owns its shards too (Kafka's consumer group assigns partitions), so
   * the engine holds no leases for it. A source that sets this still wants the engine's shard leases when several
   * processes share the work: Redis stream keys get one owner at a time, which keeps each key in order.
   */
  readonly leasedShards?: boolean;
  /**
   * #21 operator seek of a source that keeps its own positions (Kafka): moves the shard's position to `to` (AFTER:
   * the next record is the one after it) and keeps it there across restarts. The engine has stopped the shard's
   * worker first and starts it again afterwards; it has already refused a backward seek without force.
   */
  seek?(shardId: string, to: Extract<StartPosition, { type: 'AFTER' | 'AT_TIMESTAMP' }>): Promise<void>;
  /**
   * #21 inspection: records of the shard not yet processed, as the source last measured them (Kafka: high watermark
   * minus the committed offset); undefined when it does not know.
   */
  shardLag?(shardId: string): number | undefined;
  /** Called when the set of shards changes (Kafka rebalance), so the engine need not wait for its next poll. */
  onShardsChanged?(listener: () => void): () => void;
  /**
   * Up to `limit` of the most recent records of each shard, read without acknowledging, committing or joining
   * anything (`sluice test-pattern --mapping`, #21). Needed by sources with their own positions (a consumer-group
   * read would move them); others are sampled through `open` on a fresh source, which moves nothing.
   */
  sample?(limit: number, signal: AbortSignal): Promise<ShardRecord[]>;
  /**
   * #21 redrive of an on-failure record, by sources with their own positions (a consumer-group read would move
   * them): exactly these ranges, read without committing or joining anything. Undefined when the ranges are not
   * of this source's shards.
   */
  readRanges?(ranges: readonly OffsetRange[], signal: AbortSignal): Promise<RangeRead | undefined>;
  close(): Promise<void>;
}

export interface DeliveryContext {
  /** Function that produced the record, for logs and metrics. */
  functionName: string;
  /**
   * Extra message attributes (DLQ: RequestID, ErrorCode, ErrorMessage; a redriven message's own). `type` is SQS's
   * DataType (String, Number, Binary, each with an optional custom suffix); a Binary value is base64.
   */
  attributes?: Record<string, { type: string; value: string }>;
  /** X-Amzn-Trace-Id (with Lineage) for a destination that invokes a function, so recursion is counted (REC-1). */
  traceHeader?: string;
  /**
   * A stream mapping's discarded batch: the mapping, the shard and the event the function was invoked with, for a
   * destination that keeps the records themselves (S3: DEST-2's `payload`, DEST-3's object key). Built on demand.
   */
  batch?: { mappingId: string; shardId: string; eventJson(): string };
}

export interface Destination {
  readonly arn: string;
  /** `record` is sent as its JSON, except a Buffer, which is an already serialized body sent as is (see bodyOf). */
  send(record: unknown, ctx: DeliveryContext): Promise<void>;
  close(): Promise<void>;
}

/**
 * The message body for a destination record. A Buffer is sent unchanged: the async DLQ's body is the original
 * event byte for byte (ASY-13), which re-encoding as JSON would quote or reformat.
 */
export function bodyOf(record: unknown): string {
  return Buffer.isBuffer(record) ? record.toString('utf8') : JSON.stringify(record);
}
