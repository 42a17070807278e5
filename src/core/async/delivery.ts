// Delivery to on-success/on-failure destinations and the DLQ, retried a few times, then counted and
// logged with the event id: a lost record is never silent (ASY-10, ASY-13, §10).
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { DeliveryContext, Destination } from '../../ports/sources.js';
import { ASYNC_METRICS } from './metric-names.js';

export type DeliveryKind = 'destination' | 'dead-letter';

export interface Deliverer {
  deliver(
    address: string,
    body: unknown,
    ctx: DeliveryContext,
    kind: DeliveryKind,
    requestId: string,
  ): Promise<boolean>;
}

/** Label for a destination address: the ARN's service (sqs, sns, lambda, events, s3) or the URI scheme. */
export function destinationType(address: string): string {
  if (address.startsWith('arn:')) return address.split(':')[2] ?? 'unknown';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address);
  return scheme?.[1]?.toLowerCase() ?? 'unknown';
}

export function createDeliverer(deps: {
  destinations: (address: string) => Destination;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  retryDelaysMs: readonly number[];
}): Deliverer {
  return {
    async deliver(address, body, ctx, kind, requestId) {
      let lastError: unknown;
      for (let attempt = 0; attempt <= deps.retryDelaysMs.length; attempt++) {
        if (attempt > 0) await deps.clock.sleep(deps.retryDelaysMs[attempt - 1] ?? 0);
        try {
          await deps.destinations(address).send(body, ctx);
          return true;
        } catch (err) {
          lastError = err;
        }
      }
      if (kind === 'dead-letter') {
        deps.metrics.inc(ASYNC_METRICS.deadLetterErrors, { function: ctx.functionName });
      } else {
        deps.metrics.inc(ASYNC_METRICS.destinationFailures, {
          function: ctx.functionName,
          destination_type: destinationType(address),
        });
      }
      deps.logger.error(
        { err: lastError, requestId, function: ctx.functionName, destination: address, kind },
        kind === 'dead-letter' ? 'dead-letter delivery failed' : 'destination delivery failed',
      );
      return false;
    },
  };
}
