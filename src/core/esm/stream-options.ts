// Options of one stream mapping (Kinesis, DynamoDB Streams, Kafka, Redis streams), in engine units.
// The app converts the compiled config (CreateEventSourceMapping names) into this shape.
import type { Destination, StartPosition } from '../../ports/sources.js';
import type { BackoffPolicy } from '../retry/backoff.js';

export interface StreamMappingOptions {
  mappingId: string;
  functionName: string;
  /** Unqualified ARN, written into on-failure records. */
  functionArn: string;
  batchSize: number;
  maxBatchingWindowMs: number;
  /** 1..10: batches in flight per shard, one per lane (D-2). */
  parallelizationFactor: number;
  bisectBatchOnFunctionError: boolean;
  /** -1 = infinite. Does not count the first attempt (STR-13). */
  maximumRetryAttempts: number;
  /** -1 = infinite. */
  maximumRecordAgeMs: number;
  reportBatchItemFailures: boolean;
  /** 0 = no tumbling window. */
  tumblingWindowMs: number;
  onFailure?: Destination;
  startingPosition: StartPosition;
  /**
   * Idle poll cadence per shard once caught up, when the config sets one (D-13). Unset: the source's own
   * (`StreamSource.defaultPollIntervalMs`: Kinesis 1000 ms STR-1, DynamoDB 250 ms STR-3), else DEFAULT_POLL_INTERVAL_MS.
   */
  pollIntervalMs?: number;
  /** Backoff for function errors, throttles, read errors and destination retries. */
  retryBackoff: BackoffPolicy;
  /** How often shards are listed (default 10 s). */
  shardDiscoveryIntervalMs?: number;
  /** Lease time-to-live when a LeaseStore is given (default 30 s); leases renew every ttl/3. */
  leaseTtlMs?: number;
  /** Lease owner id of this process (default a random UUID). */
  instanceId?: string;
  /** STR-36: how long a window waits for new records after its end before the final invoke (default 2 min). */
  windowIdleCloseMs?: number;
  /** Largest event sent to the function (P-12, default 6 MB). */
  maxPayloadBytes?: number;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** STR-35: state above this ends the window early. */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

/** Idle poll cadence of a source that names none (STR-1's once a second). */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
