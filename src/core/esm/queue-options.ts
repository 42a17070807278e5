import { LambdaApiError } from '../../ports/errors.js';

/** D-10: how a queue mapping scales its concurrent batches. Rates are configurable for small machines and tests. */
export interface QueueScalingOptions {
  /** Concurrent batches when messages appear (SQS-2). */
  initial: number;
  /** Concurrent batches added per minute while a backlog remains (SQS-3). */
  addPerMinute: number;
  /** Per-mapping ceiling (SQS-3, CON-7). */
  max: number;
  /** Floor while the queue is idle (SQS-4); not used when MaximumConcurrency is set. */
  min: number;
  /** No growth for this long after a function error or throttle (SQS-13, SQS-14). */
  cooldownMs: number;
  /** Provisioned mode: pollers added per minute while a backlog remains (PRV-9: 1,000). */
  provisionedAddPerMinute: number;
}

/** Provisioned mode (PRV-8, PRV-9): receive loops ("pollers") between these bounds. */
export interface ProvisionedPollerBounds {
  minimumPollers: number;
  maximumPollers: number;
}

export interface QueueMappingOptions {
  mappingId: string;
  functionName: string;
  /** BatchSize 1–10000; FIFO ≤ 10 (SQS-25). */
  batchSize: number;
  /** MaximumBatchingWindowInSeconds in ms; FIFO must be 0 (SQS-25). */
  maxBatchingWindowMs: number;
  /** FunctionResponseTypes contains ReportBatchItemFailures (SQS-17..20). */
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency 2–1000 (SQS-6). */
  maximumConcurrency?: number;
  /** ProvisionedPollerConfig (PRV-2, PRV-6): excludes maximumConcurrency. */
  provisioned?: ProvisionedPollerBounds;
  /**
   * D-10, SQS-5: the most the function can run at once (its ReservedConcurrentExecutions, else the unreserved
   * account concurrency); more concurrent batches would only be throttled.
   */
  concurrencyLimit?: number;
  fifo: boolean;
  scaling?: Partial<QueueScalingOptions>;
  functionTimeoutMs: number;
  /** The queue's visibility timeout: throttled batches are retried until it runs out (SQS-14). Default 30 s. */
  visibilityTimeoutMs?: number;
  /** Receive wait while no batch is open (SQS-1: up to 20 s). */
  longPollMs?: number;
  /** P-12: 6 MB synchronous payload cap. */
  maxPayloadBytes?: number;
  /** Exactly this many batches at once, no scaling (RMQ-15); scaling and MaximumConcurrency do not apply then. */
  fixedConcurrency?: number;
  /**
   * Backoff between invoke attempts after a throttle or system error (SQS-14); for sources that take messages back
   * only on a nack, also the delay before a failed batch is handed back (RMQ-17).
   */
  retryBackoff?: { initialMs: number; maxMs: number };
  /** How often `backlog()` is sampled for the gauge and the scaler. 0 turns sampling off. */
  backlogIntervalMs?: number;
}

export type ResolvedQueueOptions = Required<
  Omit<QueueMappingOptions, 'maximumConcurrency' | 'concurrencyLimit' | 'scaling' | 'fixedConcurrency' | 'provisioned'>
> & {
  maximumConcurrency: number | undefined;
  provisioned: ProvisionedPollerBounds | undefined;
  concurrencyLimit: number | undefined;
  fixedConcurrency: number | undefined;
  scaling: QueueScalingOptions;
};

/** Lambda's scaling of a standard queue mapping (SQS-2..4, SQS-13), unless the config tunes it. */
export const QUEUE_DEFAULT_SCALING: QueueScalingOptions = {
  initial: 5,
  addPerMinute: 300,
  max: 1250,
  min: 2,
  cooldownMs: 10_000,
  provisionedAddPerMinute: 1000,
};

export const SIX_MB = 6 * 1024 * 1024;

function invalid(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', 400, message);
}

/**
 * Applies defaults and the ranges of §1.2 (P-1/D-12, P-6, SQS-25); throws InvalidParameterValueException. P-6 applies
 * only to sources whose messages come back after a visibility timeout.
 */
export function resolveQueueOptions(
  o: QueueMappingOptions,
  redelivery: 'visibility-timeout' | 'on-nack' = 'visibility-timeout',
): ResolvedQueueOptions {
  const scaling = { ...QUEUE_DEFAULT_SCALING, ...o.scaling };
  const maxBatch = o.fifo ? 10 : 10_000;
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > maxBatch) {
    throw invalid(`BatchSize must be between 1 and ${maxBatch}${o.fifo ? ' for FIFO queues' : ''}`);
  }
  if (o.maxBatchingWindowMs < 0 || o.maxBatchingWindowMs > 300_000) {
    throw invalid('MaximumBatchingWindowInSeconds must be between 0 and 300');
  }
  if (o.fifo && o.maxBatchingWindowMs > 0) {
    throw invalid('MaximumBatchingWindowInSeconds is not supported for FIFO queues');
  }
  // P-1 is SQS's rule (visibility-timeout queues); RabbitMQ takes BatchSize 100 with a 500 ms window (RMQ-11).
  if (redelivery === 'visibility-timeout' && o.batchSize > 10 && o.maxBatchingWindowMs < 1000) {
    throw invalid('BatchSize above 10 requires MaximumBatchingWindowInSeconds of at least 1');
  }
  if (o.maximumConcurrency !== undefined && (o.maximumConcurrency < 2 || o.maximumConcurrency > 1000)) {
    throw invalid('ScalingConfig.MaximumConcurrency must be between 2 and 1000');
  }
  const p = o.provisioned;
  if (p !== undefined && o.maximumConcurrency !== undefined) {
    throw invalid('ScalingConfig and ProvisionedPollerConfig cannot be set together');
  }
  if (p !== undefined && (p.minimumPollers < 1 || p.minimumPollers > p.maximumPollers)) {
    throw invalid('ProvisionedPollerConfig: MinimumPollers must be at least 1 and not exceed MaximumPollers');
  }
  const visibilityTimeoutMs = o.visibilityTimeoutMs ?? 30_000;
  if (redelivery === 'visibility-timeout') checkVisibilityTimeout(o.functionTimeoutMs, visibilityTimeoutMs);
  const fixed = o.fixedConcurrency;
  if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 1)) throw invalid('fixed concurrency must be >= 1');
  if (
    scaling.initial < 1 ||
    scaling.max < 1 ||
    scaling.min < 1 ||
    scaling.addPerMinute <= 0 ||
    scaling.provisionedAddPerMinute <= 0
  ) {
    throw invalid('scaling rates must be positive');
  }
  return {
    mappingId: o.mappingId,
    functionName: o.functionName,
    batchSize: o.batchSize,
    maxBatchingWindowMs: o.maxBatchingWindowMs,
    reportBatchItemFailures: o.reportBatchItemFailures,
    maximumConcurrency: o.maximumConcurrency,
    provisioned: p,
    concurrencyLimit: o.concurrencyLimit,
    fixedConcurrency: fixed,
    fifo: o.fifo,
    scaling,
    functionTimeoutMs: o.functionTimeoutMs,
    visibilityTimeoutMs,
    longPollMs: o.longPollMs ?? 20_000,
    maxPayloadBytes: o.maxPayloadBytes ?? SIX_MB,
    retryBackoff: o.retryBackoff ?? { initialMs: 500, maxMs: 10_000 },
    backlogIntervalMs: o.backlogIntervalMs ?? 10_000,
  };
}

/** P-6: the function timeout must not exceed the queue's visibility timeout. */
export function checkVisibilityTimeout(functionTimeoutMs: number, visibilityTimeoutMs: number): void {
  if (functionTimeoutMs > visibilityTimeoutMs) {
    throw invalid(
      `Queue visibility timeout: ${visibilityTimeoutMs / 1000} seconds is less than Function timeout: ${functionTimeoutMs / 1000} seconds`,
    );
  }
}
