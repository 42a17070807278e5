// Runs one batch of one shard lane to completion: invoke, classify, retry with backoff, bisect, rewind on
// partial failure, expire by age and discard to the on-failure destination (STR-10..30, D-1, D-3, D-4).
// The lane stays blocked while this runs, which is what keeps per-shard (per-key) order.
import type { Clock } from '../../ports/clock.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { Logger } from '../../ports/logger.js';
import type { Labels, Metrics } from '../../ports/metrics.js';
import type { ShardInfo, StreamRecord, StreamSource } from '../../ports/sources.js';
import { sendUntilDelivered, type DestinationSender } from '../delivery/destination-sender.js';
import type { Invoker } from '../invoke/types.js';
import {
  buildStreamBatchInfo,
  buildStreamFailureRecord,
  type StreamFailureCondition,
  type StreamResponseContext,
} from '../records/stream-failure-record.js';
import { fullJitterBackoffMs, type Rng } from '../retry/backoff.js';
import { sleepQuietly } from '../wait/wait.js';
import { StreamMetric } from './stream-metrics.js';
import type { StreamMappingOptions } from './stream-options.js';
import { parseStreamResponse } from './stream-response.js';

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
}

/** running = making progress; retrying = backing off after a failed or throttled invoke; blocked = the on-failure
 * destination refuses the records, so nothing later can be checkpointed (see discard). */
export type LaneStatus = 'running' | 'retrying' | 'blocked';

/** 'done' = every entry finished; 'stopped' = a stop interrupted it and unfinished entries stay unacknowledged. */
export type BatchRunOutcome = 'done' | 'stopped';

interface Piece {
  entries: BatchEntry[];
  /** Function-error retries used (STR-13; D-3: halves inherit it). */
  attempts: number;
  /** Invocations that included these records (approximateInvokeCount, D-3). */
  invokes: number;
  lastRequestId?: string;
  lastResponse: StreamResponseContext | null;
}

export class BatchRunner {
  constructor(private readonly ctx: RunnerContext) {}

  async run(entries: readonly BatchEntry[], hooks: BatchHooks): Promise<BatchRunOutcome> {
    const ctx = this.ctx;
    const { options, metrics, labels, clock } = ctx;
    const pieces: Piece[] = [{ entries: [...entries], attempts: 0, invokes: 0, lastResponse: null }];
    let throttles = 0;
    // A window's records were already invoked; their age only stops a final invoke that failed (STR-38).
    let tried = !hooks.windowFinal;
    while (pieces.length > 0) {
      if (ctx.isStopping() || ctx.signal.aborted) return 'stopped';
      const piece = pieces[0]!;

      // STR-15: expired records are discarded without (re)invoking.
      if (options.maximumRecordAgeMs >= 0 && tried) {
        const now = clock.now();
        const expired = piece.entries.filter((e) => now - e.record.arrivalMs > options.maximumRecordAgeMs);
        if (expired.length > 0) {
          if (!(await this.discard(expired, 'RecordAgeExceeded', piece, hooks))) return 'stopped';
          piece.entries = piece.entries.filter((e) => !expired.includes(e));
          if (piece.entries.length === 0) {
            pieces.shift();
            continue;
          }
        }
      }

      const records = piece.entries.map((e) => e.record);
      const requestId = ctx.newId();
      const result = await this.invoke(hooks.windowFinal ? [] : records, requestId, hooks);
      if (result === 'aborted') return 'stopped';
      tried = true;

      if (result.kind === 'throttle' || result.kind === 'system-error') {
        // STR-12: errors before the function runs never use the retry budget; they back off and retry.
        throttles++;
        const retryAfterMs = result.kind === 'throttle' ? (result.retryAfterSeconds ?? 0) * 1000 : 0;
        const delay = Math.max(retryAfterMs, fullJitterBackoffMs(throttles, options.retryBackoff, ctx.rng));
        ctx.logger.debug({ shardId: ctx.shard.id, kind: result.kind, delay }, 'invoke not run; backing off');
        this.retrying(hooks);
        await sleepQuietly(clock, delay, ctx.sleepSignal);
        continue;
      }
      throttles = 0;
      piece.invokes++;
      piece.lastRequestId = requestId;

      if (result.kind === 'success') {
        const ids = hooks.windowFinal ? [] : records.map((r) => ctx.source.itemIdentifier(r));
        const parsed = parseStreamResponse(result.payload, ids, {
          reportBatchItemFailures: options.reportBatchItemFailures,
          requireState: hooks.requireState ?? false,
        });
        // The function ran without error: a partial or invalid response records functionError null.
        piece.lastResponse = { statusCode: 200, executedVersion: '$LATEST', functionError: null };
        if (parsed.kind === 'success') {
          hooks.onState?.(parsed.state);
          hooks.onStatus?.('running');
          hooks.onDone(piece.entries);
          pieces.shift();
          continue;
        }
        if (parsed.kind === 'partial') {
          // STR-21: rewind to the lowest failed item; everything from it on is retried. STR-19: with bisect on,
          // this split at the returned item is the bisection. STR-25: a failed attempt of the batch it leaves.
          hooks.onState?.(parsed.state);
          const succeeded = piece.entries.slice(0, parsed.fromIndex);
          piece.entries = piece.entries.slice(parsed.fromIndex);
          metrics.inc(StreamMetric.failedInvoke, labels, piece.entries.length);
          if (succeeded.length > 0) {
            // The checkpoint moved: like AWS, the batch that starts there gets a fresh retry count.
            hooks.onDone(succeeded);
            piece.attempts = 0;
            await this.backOff(1, hooks);
            continue;
          }
          if (!(await this.afterFailure(pieces, piece, false, hooks))) return 'stopped';
          continue;
        }
        ctx.logger.warn({ shardId: ctx.shard.id, reason: parsed.reason }, 'invalid batch response; whole batch failed');
      } else {
        piece.lastResponse = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };
      }
      // Function error or invalid response (STR-13, STR-23, D-1).
      metrics.inc(StreamMetric.failedInvoke, labels, piece.entries.length);
      if (!(await this.afterFailure(pieces, piece, true, hooks))) return 'stopped';
    }
    return 'done';
  }

  /** Bisects, or uses one retry and backs off, or discards when the retries are used up. False when stopped. */
  private async afterFailure(pieces: Piece[], piece: Piece, mayBisect: boolean, hooks: BatchHooks): Promise<boolean> {
    const { options } = this.ctx;
    if (piece.entries.length === 0) {
      // A final window invoke whose records were all given up already: nothing is held back by dropping it.
      this.ctx.logger.warn({ shardId: this.ctx.shard.id }, 'final window invoke failed with no records left');
      pieces.shift();
      return true;
    }
    if (mayBisect && !hooks.windowFinal && options.bisectBatchOnFunctionError && piece.entries.length > 1) {
      // STR-16, D-3: halves inherit attempts and invoke count; the split itself is not a retry.
      const mid = Math.ceil(piece.entries.length / 2);
      const first: Piece = { ...piece, entries: piece.entries.slice(0, mid) };
      const second: Piece = { ...piece, entries: piece.entries.slice(mid) };
      pieces.splice(0, 1, first, second);
      return true;
    }
    piece.attempts++;
    if (options.maximumRetryAttempts >= 0 && piece.attempts > options.maximumRetryAttempts) {
      const ok = await this.discard(piece.entries, 'RetryAttemptsExhausted', piece, hooks);
      if (ok) pieces.shift();
      return ok;
    }
    await this.backOff(piece.attempts, hooks);
    return true;
  }

  /** Waits before re-invoking records that were already tried (a stop ends the wait). */
  private async backOff(attempt: number, hooks: Pick<BatchHooks, 'onStatus'>): Promise<void> {
    this.retrying(hooks);
    await sleepQuietly(
      this.ctx.clock,
      fullJitterBackoffMs(attempt, this.ctx.options.retryBackoff, this.ctx.rng),
      this.ctx.sleepSignal,
    );
  }

  /** Every re-invoke of records that were already tried (function error, partial failure, throttle) counts. */
  private retrying(hooks: Pick<BatchHooks, 'onStatus'>): void {
    this.ctx.metrics.inc(StreamMetric.retries, this.ctx.labels);
    hooks.onStatus?.('retrying');
  }

  private async invoke(
    records: StreamRecord[],
    requestId: string,
    hooks: BatchHooks,
  ): Promise<InvokeResult | 'aborted'> {
    const ctx = this.ctx;
    const base = ctx.source.buildEvent(ctx.shard, records);
    const event =
      hooks.eventExtras && typeof base === 'object' && base !== null ? { ...base, ...hooks.eventExtras() } : base;
    const payload = Buffer.from(JSON.stringify(event));
    const last = records[records.length - 1];
    if (last) {
      ctx.metrics.inc(StreamMetric.invoked, ctx.labels, records.length);
      // STR-27: iterator age = age of the last record of the batch when the event is sent.
      ctx.metrics.set(StreamMetric.iteratorAge, ctx.labels, Math.max(0, ctx.clock.now() - last.arrivalMs));
    }
    try {
      return await ctx.invoker.invoke(
        ctx.options.functionName,
        { requestId, payload },
        { signal: ctx.signal, source: 'esm' },
      );
    } catch (err) {
      if (ctx.signal.aborted) return 'aborted';
      // The invoker should classify; anything thrown is treated as a system error (no retry budget used).
      ctx.logger.warn({ err, shardId: ctx.shard.id }, 'invoker threw');
      return { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message: String(err) };
    }
  }

  /**
   * Gives records up (STR-14): to the on-failure destination, or dropped and counted without one.
   * A failed destination delivery keeps the lane blocked and is retried with backoff, each failure counted in
   * destination_delivery_failures: AWS would drop the records (STR-30), but sluice promises that a record leaves only
   * as a success, a filtered record or a destination entry (DESIGN "Nothing lost"), so the checkpoint waits.
   * Returns false when a stop interrupted the delivery (the records stay unacknowledged).
   */
  async discard(
    entries: readonly BatchEntry[],
    condition: StreamFailureCondition,
    piece: Pick<Piece, 'invokes' | 'lastRequestId' | 'lastResponse'>,
    hooks: Pick<BatchHooks, 'onDone' | 'onStatus'>,
  ): Promise<boolean> {
    if (entries.length === 0) return true;
    const ctx = this.ctx;
    const destination = ctx.options.onFailure;
    ctx.logger.warn(
      { shardId: ctx.shard.id, condition, records: entries.length, destination: destination?.arn },
      'discarding stream records',
    );
    if (!destination) {
      ctx.metrics.inc(StreamMetric.dropped, ctx.labels, entries.length);
      hooks.onDone(entries, true);
      return true;
    }
    const record = this.failureRecord(entries, condition, piece);
    const messages = ctx.source.destinationRecords?.(
      destination.arn,
      ctx.shard,
      entries.map((e) => e.record),
      record,
    ) ?? [record];
    // Messages already delivered are not sent again when a later one fails and is retried.
    const delivered = await sendUntilDelivered(
      ctx.delivery,
      {
        functionName: ctx.options.functionName,
        kind: 'destination',
        address: destination.arn,
        destination: () => destination,
        messages,
        ctx: { functionName: ctx.options.functionName },
        log: { shardId: ctx.shard.id, condition, records: entries.length },
      },
      {
        clock: ctx.clock,
        delayMs: (failures) => fullJitterBackoffMs(failures, ctx.options.retryBackoff, ctx.rng),
        signal: ctx.sleepSignal,
        stopped: () => ctx.isStopping() || ctx.signal.aborted,
        onFailure: () => hooks.onStatus?.('blocked'),
      },
    );
    if (!delivered) return false;
    ctx.metrics.inc(StreamMetric.onFailureDelivered, ctx.labels, entries.length);
    hooks.onStatus?.('running');
    hooks.onDone(entries, true);
    return true;
  }

  private failureRecord(
    entries: readonly BatchEntry[],
    condition: StreamFailureCondition,
    piece: Pick<Piece, 'invokes' | 'lastRequestId' | 'lastResponse'>,
  ): Record<string, unknown> {
    const { source, shard } = this.ctx;
    const records = entries.map((e) => e.record);
    const key = source.batchInfoKey ?? 'KinesisBatchInfo';
    const batchInfo = source.failureBatchInfo
      ? source.failureBatchInfo(shard, records)
      : { [key]: buildStreamBatchInfo(shard.id, source.arn, records, key === 'DDBStreamBatchInfo') };
    const neverRan = piece.invokes === 0;
    return buildStreamFailureRecord({
      requestId: piece.lastRequestId ?? this.ctx.newId(),
      functionArn: this.ctx.options.functionArn,
      condition,
      // AWS reports 1 for records that expired before any invoke (as recorded); otherwise the invokes (D-3).
      approximateInvokeCount: condition === 'RecordAgeExceeded' ? Math.max(1, piece.invokes) : piece.invokes,
      // D-4: null when the function never ran for these records; KAF-17: null for an oversized payload.
      responseContext: neverRan || condition === 'MaximumPayloadSizeExceeded' ? null : piece.lastResponse,
      timestampMs: this.ctx.clock.now(),
      batchInfo,
    });
  }
}
