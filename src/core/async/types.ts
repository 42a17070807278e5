import type { AsyncQueue } from '../../ports/async-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Destination } from '../../ports/sources.js';
import type { Invoker } from '../invoke/types.js';
import type { BackoffPolicy } from '../retry/backoff.js';

/** A function's async settings, compiled from PutFunctionEventInvokeConfig names (ASY-5, ASY-7, ASY-9). */
export interface AsyncFunctionConfig {
  /** Unqualified ARN; records carry it qualified. */
  functionArn: string;
  /** 0–2, default 2 (ASY-5). */
  maximumRetryAttempts: number;
  /** 60 000–21 600 000, default 21 600 000 (ASY-7). */
  maximumEventAgeMs: number;
  onSuccess?: string;
  onFailure?: string;
  /** DeadLetterConfig.TargetArn (ASY-13). */
  deadLetterTargetArn?: string;
  /** 0 sends every event straight to failure (ASY-4, D-5). */
  reservedConcurrency?: number;
}

export interface AsyncEngineOptions {
  /** Gaps before the 2nd and 3rd function-error attempts (ASY-5); AWS values by default, smaller in tests (D-13). */
  retryDelaysMs?: readonly number[];
  /** Throttle / system-error backoff: first delay and cap (ASY-6). */
  throttleBaseDelayMs?: number;
  throttleMaxDelayMs?: number;
  /** Events run at once by this process; never claims more than this. */
  concurrency?: number;
  /** How long a claim lasts without a heartbeat; a crashed owner's events come back after it. */
  claimTtlMs?: number;
  /** Idle poll cadence when nothing is due (a local submit wakes the loop at once). */
  pollIntervalMs?: number;
  /** Cadence of expired-claim recovery and of the queue gauges. */
  housekeepingIntervalMs?: number;
  /**
   * Backoff between rounds of retrying a failed destination or DLQ delivery; the event waits in the queue and is
   * retried until delivered (capped exponential, src/core/retry).
   */
  deliveryBackoff?: BackoffPolicy;
  /** Largest accepted event (D-9: 1 MB). */
  maxPayloadBytes?: number;
}

export interface AsyncEngineDeps {
  queue: AsyncQueue;
  invoker: Invoker;
  functions: (name: string) => AsyncFunctionConfig | undefined;
  /** Resolves a destination ARN/URI; may throw for an unknown address (counted as a delivery failure). */
  destinations: (address: string) => Destination;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** Unique per process: names the claims this process holds. */
  owner: string;
  options?: AsyncEngineOptions;
}

export interface AsyncEngine {
  /** Queue an event (InvocationType Event); resolves once stored. `traceHeader` carries the recursion Lineage. */
  submit(
    functionName: string,
    payload: Buffer,
    requestId: string,
    qualifier?: string,
    traceHeader?: string,
  ): Promise<void>;
  start(): void;
  /** Stop claiming; wait up to `graceMs` for running events, then abort and release the rest. */
  stop(graceMs: number): Promise<void>;
  /** One pass: recover expired claims, claim what is due and run it to the end. For tests and tools. */
  runOnce(): Promise<number>;
}
