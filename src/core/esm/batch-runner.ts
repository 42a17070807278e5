// Runs one batch of one shard lane to completion: invoke, classify, retry with backoff, bisect, rewind on
// partial failure, expire by age and discard to the on-failure destination (STR-10..30, D-1, D-3, D-4).
// The lane stays blocked while this runs, which is what keeps per-shard (per-key) order.
import { withFields } from '../../ports/event-json.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { StreamRecord } from '../../ports/sources.js';
import type { StreamFailureCondition } from '../records/stream-failure-record.js';
import { fullJitterBackoffMs } from '../retry/backoff.js';
import { sleepQuietly } from '../wait/wait.js';
import type { BatchEntry, BatchHooks, BatchRunOutcome, Piece, RunnerContext } from './batch-types.js';
import { giveUp, type FailedPiece } from './give-up.js';
import type { GiveUpRequest } from './shard-operator.js';
import { StreamMetric } from './stream-metrics.js';
import { parseStreamResponse } from './stream-response.js';

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
      // #21: an operator skip gives up what is left of the failing batch; it is taken only between attempts.
      const skip = hooks.operator?.failing ? hooks.operator.takeSkip() : undefined;
      if (skip) return (await this.skip(pieces, skip, hooks)) ? 'done' : 'stopped';

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
        if (result.kind === 'system-error') metrics.inc(StreamMetric.invokeErrors, labels);
        const retryAfterMs = result.kind === 'throttle' ? (result.retryAfterSeconds ?? 0) * 1000 : 0;
        const delay = Math.max(retryAfterMs, fullJitterBackoffMs(throttles, options.retryBackoff, ctx.rng));
        ctx.logger.debug({ kind: result.kind, delay }, 'invoke not run; backing off');
        this.failing(piece, `${result.kind}: ${result.kind === 'throttle' ? result.reason : result.errorType}`, hooks);
        this.retrying(hooks);
        await sleepQuietly(clock, delay, this.sleepSignal(hooks));
        continue;
      }
      throttles = 0;
      piece.invokes++;
      piece.lastRequestId = requestId;

      if (result.kind === 'success') {
        // Identifiers only matter to ReportBatchItemFailures (STR-26): none are built without it.
        const ids =
          hooks.windowFinal || !options.reportBatchItemFailures
            ? []
            : records.map((r) => ctx.source.events.itemIdentifier(r));
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
          this.failing(piece, 'partial batch failure', hooks);
          if (!(await this.afterFailure(pieces, piece, false, hooks))) return 'stopped';
          continue;
        }
        ctx.logger.warn({ reason: parsed.reason }, 'invalid batch response; whole batch failed');
        this.failing(piece, `invalid batch response: ${parsed.reason}`, hooks);
      } else {
        piece.lastResponse = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };
        this.failing(piece, `function error: ${result.errorType}`, hooks);
      }
      // Function error or invalid response (STR-13, STR-23, D-1).
      metrics.inc(StreamMetric.failedInvoke, labels, piece.entries.length);
      metrics.inc(StreamMetric.invokeErrors, labels);
      if (!(await this.afterFailure(pieces, piece, true, hooks))) return 'stopped';
    }
    return 'done';
  }

  /** Bisects, or uses one retry and backs off, or discards when the retries are used up. False when stopped. */
  private async afterFailure(pieces: Piece[], piece: Piece, mayBisect: boolean, hooks: BatchHooks): Promise<boolean> {
    const { options } = this.ctx;
    if (piece.entries.length === 0) {
      // A final window invoke whose records were all given up already: nothing is held back by dropping it.
      this.ctx.logger.warn({}, 'final window invoke failed with no records left');
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
  private async backOff(attempt: number, hooks: Pick<BatchHooks, 'onStatus' | 'operator'>): Promise<void> {
    this.retrying(hooks);
    await sleepQuietly(
      this.ctx.clock,
      fullJitterBackoffMs(attempt, this.ctx.options.retryBackoff, this.ctx.rng),
      this.sleepSignal(hooks),
    );
  }

  /** A backoff ends at a stop, and at an operator command so a skip need not wait out the backoff. */
  private sleepSignal(hooks: Pick<BatchHooks, 'operator'>): AbortSignal {
    const op = hooks.operator;
    return op ? AbortSignal.any([this.ctx.sleepSignal, op.signal]) : this.ctx.sleepSignal;
  }

  /** What shard inspection shows of the batch this lane keeps retrying. */
  private failing(piece: Piece, error: string, hooks: Pick<BatchHooks, 'operator'>): void {
    const op = hooks.operator;
    if (!op || piece.entries.length === 0) return;
    op.failing = {
      since: op.failing?.since ?? this.ctx.clock.now(),
      attempts: piece.attempts + 1,
      firstPosition: piece.entries[0]!.record.position,
      lastPosition: piece.entries[piece.entries.length - 1]!.record.position,
      records: piece.entries.length,
      error,
    };
  }

  /** Gives every piece still pending up as OperatorSkipped (one failure record). False when stopped. */
  private async skip(pieces: Piece[], request: GiveUpRequest, hooks: BatchHooks): Promise<boolean> {
    const entries = pieces.flatMap((p) => p.entries);
    const first = pieces[0]!;
    const invokes = Math.max(...pieces.map((p) => p.invokes));
    const ok = await giveUp(this.ctx, entries, 'OperatorSkipped', { ...first, invokes }, hooks, request);
    if (ok) pieces.length = 0;
    return ok;
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
    // The connector assembles the event's bytes from each record's JSON (ports/event-json.ts), written once.
    const event = ctx.source.events.event(ctx.shard, records);
    const payload = hooks.eventExtras ? withFields(event, hooks.eventExtras()) : event;
    const last = records[records.length - 1];
    if (last) {
      ctx.metrics.inc(StreamMetric.invoked, ctx.labels, records.length);
      // STR-27: iterator age = age of the last record of the batch when the event is sent.
      ctx.metrics.set(StreamMetric.iteratorAge, ctx.labels, Math.max(0, ctx.clock.now() - last.arrivalMs) / 1000);
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
      ctx.logger.warn({ err }, 'invoker threw');
      return { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message: String(err) };
    }
  }

  /** Gives records up (STR-14): see giveUp. False when a stop interrupted the delivery. */
  discard(
    entries: readonly BatchEntry[],
    condition: StreamFailureCondition,
    piece: FailedPiece,
    hooks: Pick<BatchHooks, 'onDone' | 'onStatus'>,
  ): Promise<boolean> {
    return giveUp(this.ctx, entries, condition, piece, hooks);
  }
}
