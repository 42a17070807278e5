// The durable queue behind asynchronous invocation (spec §7). Each entry is one event; its attempts are
// tracked on the entry so the request id stays the same on every attempt (ASY-12). Several sluice
// processes may consume one queue: an entry is claimed by one owner until it completes, is rescheduled,
// or its claim deadline passes (a crashed process), after which recoverExpiredClaims puts it back.
// Implementations: state/async-memory (embedded default, not durable) and state/async-redis.

/** What the last invocation that ran returned; kept for the EventAgeExceeded/RetriesExhausted record (D-5). */
export interface AsyncLastResponse {
  statusCode: number;
  executedVersion: string;
  /** 'Unhandled' for a function error (D-8); absent on success. */
  functionError?: string;
  /** Response or error body as base64 bytes. */
  payload: string;
}

/** Where an outcome still has to go: an OnSuccess/OnFailure destination or the function's DLQ. */
export interface AsyncDeliveryTarget {
  kind: 'destination' | 'dead-letter';
  address: string;
}

/**
 * An outcome already decided (the event ran or was given up) whose delivery failed: the event stays in the queue
 * in this state, is never invoked again, and only the remaining deliveries are retried with backoff until they
 * succeed ("Nothing lost"). Everything needed to rebuild the record is here, so a restart finishes the delivery.
 */
export interface AsyncPendingDelivery {
  /** `Success` or the failure condition (ASY-12). */
  condition: string;
  /** Unqualified function ARN, as the record needs it. */
  functionArn: string;
  timestampMs: number;
  approximateInvokeCount: number;
  /** The response the record carries (absent when the function never ran, D-5). */
  response?: AsyncLastResponse;
  /** The failure a DLQ message reports (ErrorCode, ErrorMessage; ASY-13). */
  error?: { statusCode: number; message: string };
  /** Trace header after this invocation, handed to a Lambda destination so the chain keeps counting (REC-1). */
  traceHeader?: string;
  /** Deliveries not yet made, in order. */
  targets: AsyncDeliveryTarget[];
  /** Failed delivery rounds so far: the backoff exponent. */
  failures: number;
}

/** The mutable part of an entry, replaced as a whole on each reschedule. */
export interface AsyncAttemptState {
  /** Function-error attempts used (the MaximumRetryAttempts budget, ASY-5). */
  attempts: number;
  /** Throttle / system-error retries, which do not use the budget (ASY-6). */
  throttleRetries: number;
  lastResponse?: AsyncLastResponse;
  /** Last failure of any kind, for DLQ ErrorCode/ErrorMessage (ASY-13). */
  lastError?: { statusCode: number; message: string };
  /** Set once the outcome is decided but not yet delivered everywhere. */
  deliver?: AsyncPendingDelivery;
}

export interface AsyncEvent extends AsyncAttemptState {
  /** The request id; the same on every attempt. */
  id: string;
  functionName: string;
  /** `$LATEST`, a version or an alias. */
  qualifier: string;
  /** The event bytes as base64, exactly as the caller sent them. */
  payload: string;
  enqueuedAtMs: number;
  dueAtMs: number;
  /** X-Amzn-Trace-Id the event arrived with; its Lineage counts chained invocations (ERR-6, REC-1). */
  traceHeader?: string;
}

export interface ClaimedAsyncEvent extends AsyncEvent {
  claimDeadlineMs: number;
}

export interface AsyncQueue {
  /** Store a new event; resolves only once the store has accepted it (durably, for durable stores). */
  enqueue(event: AsyncEvent): Promise<void>;
  /** Claim up to `max` events due at `nowMs` for `owner`, each until `nowMs + claimTtlMs`. */
  claim(owner: string, max: number, nowMs: number, claimTtlMs: number): Promise<ClaimedAsyncEvent[]>;
  /** Push the deadline of claims `owner` still holds; returns the ids it no longer holds. */
  extendClaims(owner: string, ids: readonly string[], deadlineMs: number): Promise<string[]>;
  /** Remove a finished event. False when `owner` no longer held the claim (it expired and moved on). */
  complete(id: string, owner: string): Promise<boolean>;
  /** Release the claim and make the event due again at `dueAtMs` with the new attempt state. */
  reschedule(id: string, owner: string, dueAtMs: number, state: AsyncAttemptState): Promise<boolean>;
  /** Put back events whose claim deadline passed (their owner crashed); returns how many. */
  recoverExpiredClaims(nowMs: number): Promise<number>;
  /** Events stored, claimed or not. */
  depth(): Promise<number>;
  /** Age of the oldest stored event at `nowMs`, 0 when empty. */
  oldestAgeMs(nowMs: number): Promise<number>;
  close(): Promise<void>;
}
