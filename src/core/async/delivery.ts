// Delivery of a decided outcome to OnSuccess/OnFailure destinations and the DLQ (ASY-10..ASY-13): the messages
// each target receives, sent through the core's one DestinationSender. Each call tries every remaining target once;
// the caller keeps the event in the queue and retries what failed with capped backoff, so a destination outage
// delays records but never deletes them (DESIGN "Nothing lost").
import type { AsyncDeliveryTarget, AsyncEvent, AsyncPendingDelivery } from '../../ports/async-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { DeliveryContext, Destination } from '../../ports/sources.js';
import { DestinationSender } from '../delivery/destination-sender.js';
import { buildInvocationRecord, type AsyncCondition } from '../records/invocation-record.js';
import { exponentialCeilingMs, type BackoffPolicy } from '../retry/backoff.js';

export interface Deliverer {
  /** Sends the outcome to each target once; returns the targets whose send failed (each counted). */
  deliver(event: AsyncEvent, pending: AsyncPendingDelivery): Promise<AsyncDeliveryTarget[]>;
  /** Wait before retrying the deliveries after `failures` failed rounds. */
  backoffMs(failures: number): number;
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
  // While a destination is down only one send per backoff base probes it: the other waiting events fail fast.
  const sender = new DestinationSender({ ...deps, probeIntervalMs: deps.backoff.baseMs });
  return {
    async deliver(event, pending) {
      const failed: AsyncDeliveryTarget[] = [];
      for (const target of pending.targets) {
        const { body, ctx } = messageFor(event, pending, target);
        const sent = await sender.send({
          functionName: event.functionName,
          kind: target.kind,
          address: target.address,
          destination: () => deps.destinations(target.address),
          messages: [body],
          ctx,
          log: { requestId: event.id },
        });
        if (sent === 0) failed.push(target);
      }
      return failed;
    },
    backoffMs: (failures) => exponentialCeilingMs(failures, deps.backoff),
  };
}
