// The shapes a stream batch run shares with the shard worker, its lanes, tumbling windows and the give-up path.
import type { Clock } from '../../ports/clock.js';
import type { Labels, Metrics } from '../../ports/metrics.js';
import type { Logger } from '../../ports/logger.js';
import type { ShardInfo, StreamRecord, StreamSource } from '../../ports/sources.js';
import type { DestinationSender } from '../delivery/destination-sender.js';
import type { Invoker } from '../invoke/types.js';
import type { StreamResponseContext } from '../records/stream-failure-record.js';
import type { Rng } from '../retry/backoff.js';
import type { LaneOperator } from './shard-operator.js';
import type { StreamMappingOptions } from './stream-options.js';

export interface BatchEntry {
  /** Read order within the shard (CheckpointTracker ordinal). */
  ordinal: number;
  record: StreamRecord;
}

export interface RunnerContext {
  shard: ShardInfo;
  source: StreamSource;
  invoker: Invoker;
  options: StreamMappingOptions;
  metrics: Metrics;
  labels: Labels;
  clock: Clock;
  logger: Logger;
  rng: Rng;
  newId: () => string;
  /** The mapping's sender to its on-failure destination (shared by its shards, so an outage is logged once). */
  delivery: DestinationSender;
  /** Aborted when a stop's grace period is over: in-flight invokes are abandoned. */
  signal: AbortSignal;
  /** Aborted as soon as a stop is requested: backoff sleeps end at once (nothing is in flight during them). */
  sleepSignal: AbortSignal;
  /** Graceful stop: finish the invoke in flight, start no new attempt. */
  isStopping: () => boolean;
}

export interface BatchHooks {
  /** Entries finished (succeeded, or discarded when `discarded`): their positions may be checkpointed. */
  onDone(entries: readonly BatchEntry[], discarded?: boolean): void;
  /**
   * Tumbling windows' final invoke (STR-34, STR-38): the entries are the window's records, held for retry, age and
   * on-failure accounting, but the event carries no records and is never bisected.
   */
  windowFinal?: boolean;
  /** Tumbling windows: fields added to the event for this invoke (STR-33). */
  eventExtras?: () => Record<string, unknown>;
  /** Tumbling windows: a response must carry `state` (STR-32). */
  requireState?: boolean;
  onState?(state: unknown): void;
  /** The lane's health while this batch runs: retrying after a failure, blocked on the destination (metrics). */
  onStatus?(status: LaneStatus): void;
  /** Operator controls of the lane (#21): a skip gives the failing batch up at the next retry. */
  operator?: LaneOperator;
}

/** running = making progress; retrying = backing off after a failed or throttled invoke; blocked = the on-failure
 * destination refuses the records, so nothing later can be checkpointed (see discard). */
export type LaneStatus = 'running' | 'retrying' | 'blocked';

/** 'done' = every entry finished; 'stopped' = a stop interrupted it and unfinished entries stay unacknowledged. */
export type BatchRunOutcome = 'done' | 'stopped';

/** A part of a batch being retried (a bisection makes two). */
export interface Piece {
  entries: BatchEntry[];
  /** Function-error retries used (STR-13; D-3: halves inherit it). */
  attempts: number;
  /** Invocations that included these records (approximateInvokeCount, D-3). */
  invokes: number;
  lastRequestId?: string;
  lastResponse: StreamResponseContext | null;
}
