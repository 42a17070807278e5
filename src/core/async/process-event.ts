// One attempt of one claimed async event: decide, invoke, then complete, reschedule or fail it (§7.2, §7.3).
import type { AsyncAttemptState, AsyncQueue, ClaimedAsyncEvent } from '../../ports/async-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { Invoker } from '../invoke/types.js';
import { buildInvocationRecord, type AsyncCondition } from '../records/invocation-record.js';
import type { Deliverer } from './delivery.js';
import { ASYNC_METRICS } from './metric-names.js';
import { functionErrorDelayMs, nextDueMs, throttleDelayMs } from './retry-policy.js';
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

/** DLQ ErrorMessage carries the first 1 KB of the error (ASY-13). */
const ERROR_MESSAGE_LIMIT = 1024;

/** `$LATEST` or a published version number; an alias resolves elsewhere, so it reports `$LATEST`. */
function executedVersion(qualifier: string): string {
  return /^\d+$/.test(qualifier) ? qualifier : '$LATEST';
}

function stateOf(event: ClaimedAsyncEvent): AsyncAttemptState {
  const { attempts, throttleRetries, lastResponse, lastError } = event;
  return { attempts, throttleRetries, lastResponse, lastError };
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

/** First `limit` bytes of a UTF-8 string, without splitting a character. */
function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, limit)).replace(/\uFFFD$/, '');
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

/** Send the failure record and/or the DLQ message, count the drop, and remove the event (ASY-8, ASY-14). */
async function fail(
  ctx: ProcessContext,
  event: ClaimedAsyncEvent,
  config: AsyncFunctionConfig,
  condition: AsyncCondition,
  state: AsyncAttemptState,
): Promise<void> {
  const requestPayload = Buffer.from(event.payload, 'base64');
  ctx.metrics.inc(ASYNC_METRICS.dropped, { function: event.functionName, reason: condition });
  const last = condition === 'ZeroReservedConcurrency' ? undefined : state.lastResponse;
  if (config.onFailure !== undefined) {
    const record = buildInvocationRecord({
      timestampMs: ctx.clock.now(),
      requestId: event.id,
      functionArn: config.functionArn,
      qualifier: event.qualifier,
      condition,
      approximateInvokeCount: condition === 'ZeroReservedConcurrency' ? 0 : state.attempts,
      requestPayload,
      response: last && { ...last, payload: Buffer.from(last.payload, 'base64') },
    });
    await ctx.deliverer.deliver(
      config.onFailure,
      record,
      { functionName: event.functionName },
      'destination',
      event.id,
    );
  }
  if (config.deadLetterTargetArn !== undefined) {
    const error = state.lastError ?? { statusCode: 500, message: condition };
    // The body is the original event, unchanged (ASY-13): a Buffer, which destinations send as is.
    await ctx.deliverer.deliver(
      config.deadLetterTargetArn,
      requestPayload,
      {
        functionName: event.functionName,
        attributes: {
          RequestID: { type: 'String', value: event.id },
          ErrorCode: { type: 'Number', value: String(error.statusCode) },
          ErrorMessage: { type: 'String', value: truncateUtf8(error.message, ERROR_MESSAGE_LIMIT) },
        },
      },
      'dead-letter',
      event.id,
    );
  }
  if (config.onFailure === undefined && config.deadLetterTargetArn === undefined) {
    ctx.logger.warn(
      { requestId: event.id, function: event.functionName, condition },
      'async event dropped: no on-failure destination or DLQ',
    );
  }
  await ctx.queue.complete(event.id, ctx.owner);
}

async function retryLater(
  ctx: ProcessContext,
  event: ClaimedAsyncEvent,
  now: number,
  delayMs: number,
  expiresAt: number,
  state: AsyncAttemptState,
): Promise<void> {
  const held = await ctx.queue.reschedule(event.id, ctx.owner, nextDueMs(now, delayMs, expiresAt), state);
  if (!held) ctx.logger.warn({ requestId: event.id }, 'async claim lost before reschedule; another process owns it');
}

/**
 * Run one attempt. Throws only when `signal` aborts the invocation (shutdown); the caller then
 * releases the claim so the attempt runs again later without using the budget.
 */
export async function processEvent(ctx: ProcessContext, event: ClaimedAsyncEvent, signal: AbortSignal): Promise<void> {
  const log = { requestId: event.id, function: event.functionName };
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

  ctx.metrics.observe(ASYNC_METRICS.eventAge, { function: event.functionName }, now - event.enqueuedAtMs);
  const result = await invokeSafely(ctx, event, signal);
  const after = ctx.clock.now();
  const version = executedVersion(event.qualifier);

  switch (result.kind) {
    case 'success': {
      if (config.onSuccess !== undefined) {
        const record = buildInvocationRecord({
          timestampMs: after,
          requestId: event.id,
          functionArn: config.functionArn,
          qualifier: event.qualifier,
          condition: 'Success',
          approximateInvokeCount: state.attempts + 1,
          requestPayload: Buffer.from(event.payload, 'base64'),
          response: { statusCode: 200, executedVersion: version, payload: result.payload },
        });
        await ctx.deliverer.deliver(
          config.onSuccess,
          record,
          { functionName: event.functionName },
          'destination',
          event.id,
        );
      }
      await ctx.queue.complete(event.id, ctx.owner);
      return;
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
      return retryLater(ctx, event, after, delay, expiresAt, next);
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
      return retryLater(ctx, event, after, delay, expiresAt, next);
    }
  }
}
