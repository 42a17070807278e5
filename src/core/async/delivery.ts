// Delivery of a decided outcome to OnSuccess/OnFailure destinations and the DLQ (ASY-10..ASY-13). Each call
// tries every remaining target once; the caller keeps the event in the queue and retries what failed with
// capped backoff, so a destination outage delays records but never deletes them (DESIGN "Nothing lost").
import type { AsyncDeliveryTarget, AsyncEvent, AsyncPendingDelivery } from '../../ports/async-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { DeliveryContext, Destination } from '../../ports/sources.js';
import { buildInvocationRecord, type AsyncCondition } from '../records/invocation-record.js';
import { exponentialCeilingMs, type BackoffPolicy } from '../retry/backoff.js';
import { ASYNC_METRICS } from './metric-names.js';

export interface Deliverer {
  /** Sends the outcome to each target once; returns the targets whose send failed (each counted). */
  deliver(event: AsyncEvent, pending: AsyncPendingDelivery): Promise<AsyncDeliveryTarget[]>;
  /** Wait before retrying the deliveries after `failures` failed rounds. */
  backoffMs(failures: number): number;
}

/** Label for a destination address: the ARN's service (sqs, sns, lambda, events, s3) or the URI scheme. */
export function destinationType(address: string): string {
  if (address.startsWith('arn:')) return address.split(':')[2] ?? 'unknown';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address);
  return scheme?.[1]?.toLowerCase() ?? 'unknown';
}

/** DLQ ErrorMessage carries the first 1 KB of the error (ASY-13). */
const ERROR_MESSAGE_LIMIT = 1024;

/** First `limit` bytes of a UTF-8 string, without splitting a character. */
function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, limit)).replace(/\uFFFD$/, '');
}

/** The message a target receives: the invocation record, or for the DLQ the original event unchanged. */
function messageFor(
  event: AsyncEvent,
  pending: AsyncPendingDelivery,
  target: AsyncDeliveryTarget,
): { body: unknown; ctx: DeliveryContext } {
  const requestPayload = Buffer.from(event.payload, 'base64');
  if (target.kind === 'dead-letter') {
    const error = pending.error ?? { statusCode: 500, message: pending.condition };
    // The body is the original event, unchanged (ASY-13): a Buffer, which destinations send as is.
    return {
      body: requestPayload,
      ctx: {
        functionName: event.functionName,
        attributes: {
          RequestID: { type: 'String', value: event.id },
          ErrorCode: { type: 'Number', value: String(error.statusCode) },
          ErrorMessage: { type: 'String', value: truncateUtf8(error.message, ERROR_MESSAGE_LIMIT) },
        },
      },
    };
  }
  const response = pending.response;
  const record = buildInvocationRecord({
    timestampMs: pending.timestampMs,
    requestId: event.id,
    functionArn: pending.functionArn,
    qualifier: event.qualifier,
    condition: pending.condition as AsyncCondition,
    approximateInvokeCount: pending.approximateInvokeCount,
    requestPayload,
    response: response && { ...response, payload: Buffer.from(response.payload, 'base64') },
  });
  const ctx: DeliveryContext = { functionName: event.functionName };
  if (pending.traceHeader !== undefined) ctx.traceHeader = pending.traceHeader;
  return { body: record, ctx };
}

export function createDeliverer(deps: {
  destinations: (address: string) => Destination;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  backoff: BackoffPolicy;
}): Deliverer {
  // Address → time of its last failed send. An outage is logged once when it starts and once when it ends, and
  // while it lasts only one send per backoff base probes it: the other waiting events fail fast, so a backlog
  // of undeliverable outcomes neither hammers the dead broker nor holds the engine's slots in slow sends.
  const down = new Map<string, number>();

  function countFailure(event: AsyncEvent, target: AsyncDeliveryTarget): void {
    if (target.kind === 'dead-letter') {
      deps.metrics.inc(ASYNC_METRICS.deadLetterErrors, { function: event.functionName });
    } else {
      deps.metrics.inc(ASYNC_METRICS.destinationFailures, {
        function: event.functionName,
        destination_type: destinationType(target.address),
      });
    }
  }

  async function sendOne(event: AsyncEvent, pending: AsyncPendingDelivery, target: AsyncDeliveryTarget) {
    const { address, kind } = target;
    const failedAt = down.get(address);
    if (failedAt !== undefined && deps.clock.now() - failedAt < deps.backoff.baseMs) {
      countFailure(event, target); // known down: this event waits for a later round without a send
      return false;
    }
    const { body, ctx } = messageFor(event, pending, target);
    try {
      await deps.destinations(address).send(body, ctx);
      if (down.delete(address)) deps.logger.info({ destination: address, kind }, 'destination delivery recovered');
      return true;
    } catch (err) {
      countFailure(event, target);
      const log = { err, requestId: event.id, function: event.functionName, destination: address, kind };
      if (!down.has(address))
        deps.logger.error(log, 'destination delivery failed; events wait in the async queue and are retried');
      else deps.logger.debug(log, 'destination delivery failed again');
      down.set(address, deps.clock.now());
      return false;
    }
  }

  return {
    async deliver(event, pending) {
      const failed: AsyncDeliveryTarget[] = [];
      for (const target of pending.targets) if (!(await sendOne(event, pending, target))) failed.push(target);
      return failed;
    },
    backoffMs: (failures) => exponentialCeilingMs(failures, deps.backoff),
  };
}
