// One attempt of one claimed async event: decide, invoke, then complete, reschedule or fail it (§7.2, §7.3).
import type {
  AsyncAttemptState,
  AsyncDeliveryTarget,
  AsyncEvent,
  AsyncPendingDelivery,
  AsyncQueue,
  ClaimedAsyncEvent,
} from '../../ports/async-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import { destinationType } from '../delivery/destination-type.js';
import type { Invoker } from '../invoke/types.js';
import type { AsyncCondition } from '../records/invocation-record.js';
import type { Deliverer } from './delivery.js';
import { lineageCount, lineageHash, MAX_CHAINED_INVOCATIONS, RECURSION_MESSAGE, withLineage } from './lineage.js';
import { ASYNC_METRICS } from './metric-names.js';
import { functionErrorDelayMs, retryStartsInTime, throttleDelayMs } from './retry-policy.js';
import type { AsyncFunctionConfig } from './types.js';

export interface ProcessContext {
  queue: AsyncQueue;
  invoker: Invoker;
  functions: (name: string) => AsyncFunctionConfig | undefined;
  deliverer: Deliverer;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  owner: string;
  retryDelaysMs: readonly number[];
  throttleBaseDelayMs: number;
  throttleMaxDelayMs: number;
}

/** `$LATEST` or a published version number; an alias resolves elsewhere, so it reports `$LATEST`. */
function executedVersion(qualifier: string): string {
  return /^\d+$/.test(qualifier) ? qualifier : '$LATEST';
}

export function stateOf(event: AsyncEvent): AsyncAttemptState {
  const { attempts, throttleRetries, lastResponse, lastError, deliver } = event;
  return { attempts, throttleRetries, lastResponse, lastError, deliver };
}

function errorMessageOf(payload: Buffer): string {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown };
    if (typeof body.errorMessage === 'string') return body.errorMessage;
  } catch {
    // not JSON: use the text as is
  }
  return payload.toString('utf8');
}

async function invokeSafely(ctx: ProcessContext, event: ClaimedAsyncEvent, signal: AbortSignal): Promise<InvokeResult> {
  try {
    return await ctx.invoker.invoke(
      event.functionName,
      { requestId: event.id, payload: Buffer.from(event.payload, 'base64') },
      { signal, source: 'async' },
    );
  } catch (err) {
    if (signal.aborted) throw err;
    // The invoker broke its contract: treat as a system error, retried without using the budget.
    ctx.logger.error({ err, requestId: event.id, function: event.functionName }, 'invoker threw');
    return { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message: String(err) };
  }
}

/**
 * Deliver a decided outcome and remove the event. Targets that fail stay on the event, which waits in the queue
 * in this "deliver outcome" state (never invoked again) and retries them with capped backoff until delivered.
 */
async function settle(
  ctx: ProcessContext,
  event: ClaimedAsyncEvent,
  pending: AsyncPendingDelivery,
  state: AsyncAttemptState,
): Promise<void> {
  const left = pending.targets.length === 0 ? [] : await ctx.deliverer.deliver(event, pending);
  if (left.length === 0) {
    await ctx.queue.complete(event.id, ctx.owner);
    return;
  }
  const failures = pending.failures + 1;
  const due = ctx.clock.now() + ctx.deliverer.backoffMs(failures);
  const deliver: AsyncPendingDelivery = { ...pending, targets: left, failures };
  const held = await ctx.queue.reschedule(event.id, ctx.owner, due, { ...state, deliver });
  if (!held)
    ctx.logger.warn({ requestId: event.id }, 'async claim lost before delivery retry; another process owns it');
}

/** Route a given-up event to the failure record and/or the DLQ, count the drop, and remove it (ASY-8, ASY-14). */
async function fail(
  ctx: ProcessContext,
  event: ClaimedAsyncEvent,
  config: AsyncFunctionConfig,
  condition: AsyncCondition,
  state: AsyncAttemptState,
): Promise<void> {
  ctx.metrics.inc(ASYNC_METRICS.dropped, { function: event.functionName, reason: condition });
  const neverRan = condition === 'ZeroReservedConcurrency' || condition === 'RecursiveInvocationException';
  const targets: AsyncDeliveryTarget[] = [];
  if (config.onFailure !== undefined) {
    // A stopped loop must not go on through a Lambda on-failure destination (the record would invoke it again).
    if (condition === 'RecursiveInvocationException' && destinationType(config.onFailure) === 'lambda')
      ctx.logger.warn(
        { requestId: event.id, function: event.functionName, destination: config.onFailure },
        'recursive loop stopped: its failure record is not sent to a Lambda destination',
      );
    else targets.push({ kind: 'destination', address: config.onFailure });
  }
  if (config.deadLetterTargetArn !== undefined)
    targets.push({ kind: 'dead-letter', address: config.deadLetterTargetArn });
  if (targets.length === 0) {
    ctx.logger.warn(
      { requestId: event.id, function: event.functionName, condition },
      'async event dropped: no on-failure destination or DLQ',
    );
  }
  const pending: AsyncPendingDelivery = {
    condition,
    functionArn: config.functionArn,
    timestampMs: ctx.clock.now(),
    approximateInvokeCount: condition === 'ZeroReservedConcurrency' ? 0 : state.attempts,
    response: neverRan ? undefined : state.lastResponse,
    error: state.lastError ?? { statusCode: 500, message: condition },
    traceHeader: state.lastResponse === undefined ? event.traceHeader : chainAfterRun(event, config),
    targets,
    failures: 0,
  };
  return settle(ctx, event, pending, state);
}

/** The trace header after this function ran once more in the event's chain (REC-1): what its destinations carry. */
function chainAfterRun(event: AsyncEvent, config: AsyncFunctionConfig): string {
  const hash = lineageHash(config.functionArn);
  return withLineage(event.traceHeader, hash, lineageCount(event.traceHeader, hash) + 1);
}

/** Reschedule the event, or fail it as EventAgeExceeded now when the retry could not start before expiry. */
async function retryLater(
  ctx: ProcessContext,
  event: ClaimedAsyncEvent,
  config: AsyncFunctionConfig,
  now: number,
  delayMs: number,
  state: AsyncAttemptState,
): Promise<void> {
  const expiresAt = event.enqueuedAtMs + config.maximumEventAgeMs;
  if (!retryStartsInTime(now, delayMs, expiresAt)) return fail(ctx, event, config, 'EventAgeExceeded', state);
  const held = await ctx.queue.reschedule(event.id, ctx.owner, now + delayMs, state);
  if (!held) ctx.logger.warn({ requestId: event.id }, 'async claim lost before reschedule; another process owns it');
}

/**
 * Run one attempt. Throws only when `signal` aborts the invocation (shutdown); the caller then
 * releases the claim so the attempt runs again later without using the budget.
 */
export async function processEvent(ctx: ProcessContext, event: ClaimedAsyncEvent, signal: AbortSignal): Promise<void> {
  const log = { requestId: event.id, function: event.functionName };
  // The outcome is already decided: only its delivery is left (no age limit, no new invocation).
  if (event.deliver !== undefined) return settle(ctx, event, event.deliver, stateOf(event));
  const config = ctx.functions(event.functionName);
  if (!config) {
    ctx.metrics.inc(ASYNC_METRICS.dropped, { function: event.functionName, reason: 'FunctionNotFound' });
    ctx.logger.error(log, 'async event dropped: function no longer configured');
    await ctx.queue.complete(event.id, ctx.owner);
    return;
  }
  const state = stateOf(event);
  if (config.reservedConcurrency === 0) {
    const message = 'Rate Exceeded. Reserved concurrency is 0.';
    return fail(ctx, event, config, 'ZeroReservedConcurrency', { ...state, lastError: { statusCode: 429, message } });
  }
  const now = ctx.clock.now();
  const expiresAt = event.enqueuedAtMs + config.maximumEventAgeMs;
  if (now >= expiresAt) return fail(ctx, event, config, 'EventAgeExceeded', state);
  // ERR-6, REC-2, OPEN-26: the 17th run of this function in one chain is stopped, not retried.
  // No trace header, no chain: skips hashing the ARN on every attempt.
  const chained =
    event.traceHeader === undefined ? 0 : lineageCount(event.traceHeader, lineageHash(config.functionArn));
  if (chained >= MAX_CHAINED_INVOCATIONS) {
    ctx.metrics.inc(ASYNC_METRICS.recursiveDropped, { function: event.functionName });
    ctx.logger.warn({ ...log, chained }, 'recursive invocation loop stopped after 16 chained invocations');
    const lastError = { statusCode: 400, message: RECURSION_MESSAGE };
    return fail(ctx, event, config, 'RecursiveInvocationException', { ...state, lastError });
  }

  ctx.metrics.observe(ASYNC_METRICS.eventAge, { function: event.functionName }, (now - event.enqueuedAtMs) / 1000);
  const result = await invokeSafely(ctx, event, signal);
  const after = ctx.clock.now();
  const version = executedVersion(event.qualifier);

  switch (result.kind) {
    case 'success': {
      if (config.onSuccess === undefined) {
        await ctx.queue.complete(event.id, ctx.owner);
        return;
      }
      const targets: AsyncDeliveryTarget[] = [{ kind: 'destination', address: config.onSuccess }];
      const pending: AsyncPendingDelivery = {
        condition: 'Success',
        functionArn: config.functionArn,
        timestampMs: after,
        approximateInvokeCount: state.attempts + 1,
        response: { statusCode: 200, executedVersion: version, payload: result.payload.toString('base64') },
        traceHeader: chainAfterRun(event, config),
        targets,
        failures: 0,
      };
      return settle(ctx, event, pending, state);
    }
    case 'function-error': {
      const next: AsyncAttemptState = {
        attempts: state.attempts + 1,
        throttleRetries: state.throttleRetries,
        lastResponse: {
          statusCode: 200,
          executedVersion: version,
          functionError: 'Unhandled',
          payload: result.payload.toString('base64'),
        },
        lastError: { statusCode: 200, message: errorMessageOf(result.payload) },
      };
      if (next.attempts > config.maximumRetryAttempts) return fail(ctx, event, config, 'RetriesExhausted', next);
      const delay = functionErrorDelayMs(next.attempts, ctx.retryDelaysMs);
      return retryLater(ctx, event, config, after, delay, next);
    }
    case 'throttle':
    case 'system-error': {
      const next: AsyncAttemptState = {
        ...state,
        throttleRetries: state.throttleRetries + 1,
        lastError:
          result.kind === 'throttle'
            ? { statusCode: 429, message: result.message }
            : { statusCode: result.statusCode, message: result.message },
      };
      const hint = result.kind === 'throttle' ? result.retryAfterSeconds : undefined;
      const delay = throttleDelayMs(next.throttleRetries, ctx.throttleBaseDelayMs, ctx.throttleMaxDelayMs, hint);
      ctx.logger.debug({ ...log, kind: result.kind, delayMs: delay }, 'async attempt not run; backing off');
      return retryLater(ctx, event, config, after, delay, next);
    }
  }
}
