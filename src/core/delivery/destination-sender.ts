// The one on-failure (and on-success) delivery of the core, shared by the stream engine and the async engine:
// sends a record's messages to a destination in order, counts and logs each failed round, and never drops them.
// The caller keeps the records and retries: streams hold the lane in process (sendUntilDelivered), async keeps
// the event in its queue with the decided outcome. So a destination outage delays records but never loses them
// (DESIGN "Nothing lost"; STR-30, ASY-10..13).
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import type { DeliveryContext, Destination } from '../../ports/sources.js';
import { sleepQuietly, type RetryLoop } from '../wait/wait.js';
import { destinationType } from './destination-type.js';

export const DeliveryMetric = {
  /** counter {function, destination_type} — DestinationDeliveryFailures */
  destinationFailures: 'sluice_destination_delivery_failures_total',
  /** counter {function} — DeadLetterErrors */
  deadLetterErrors: 'sluice_dead_letter_errors_total',
} as const;

/** A dead-letter queue's failures count as DeadLetterErrors, any other destination's as delivery failures. */
export type DeliveryKind = 'destination' | 'dead-letter';

export interface Delivery {
  functionName: string;
  kind: DeliveryKind;
  address: string;
  /** Resolved inside the round: a destination that cannot be built fails like one that cannot be reached. */
  destination: () => Destination;
  /** In order; a retry resumes after those already sent. */
  messages: readonly unknown[];
  ctx: DeliveryContext;
  /** Fields naming the records in logs (requestId, shardId, ...). */
  log: Record<string, unknown>;
}

export interface DestinationSenderDeps {
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /**
   * While an address is down, a round started within this long of its last failure fails fast without a send:
   * one send per interval probes it, so a backlog neither hammers the dead broker nor holds slots in slow sends
   * (async). Unset: every round sends (streams: one lane, one batch at a time).
   */
  probeIntervalMs?: number;
}

export class DestinationSender {
  /** Address → time of its last failed send. An outage is logged once when it starts and once when it ends. */
  private readonly down = new Map<string, number>();

  constructor(private readonly deps: DestinationSenderDeps) {}

  /** One round: sends `messages[from..]` in order up to the first failure. Returns how many have been sent in all. */
  async send(d: Delivery, from = 0): Promise<number> {
    const { clock, logger, probeIntervalMs } = this.deps;
    const failedAt = this.down.get(d.address);
    if (failedAt !== undefined && probeIntervalMs !== undefined && clock.now() - failedAt < probeIntervalMs) {
      this.countFailure(d); // known down: the records wait for a later round without a send
      return from;
    }
    let sent = from;
    try {
      const destination = d.destination();
      for (; sent < d.messages.length; sent++) await destination.send(d.messages[sent], d.ctx);
      if (this.down.delete(d.address))
        logger.info({ destination: d.address, kind: d.kind }, 'destination delivery recovered');
      return sent;
    } catch (err) {
      this.countFailure(d);
      const log = { err, ...d.log, function: d.functionName, destination: d.address, kind: d.kind };
      if (!this.down.has(d.address)) logger.error(log, 'destination delivery failed; the records wait and are retried');
      else logger.debug(log, 'destination delivery failed again');
      this.down.set(d.address, clock.now());
      return sent;
    }
  }

  private countFailure(d: Delivery): void {
    if (d.kind === 'dead-letter') {
      this.deps.metrics.inc(DeliveryMetric.deadLetterErrors, { function: d.functionName });
    } else {
      this.deps.metrics.inc(DeliveryMetric.destinationFailures, {
        function: d.functionName,
        destination_type: destinationType(d.address),
      });
    }
  }
}

export interface InProcessRetry extends RetryLoop {
  /** Called after each failed round (a stream lane reports itself blocked). */
  onFailure?(): void;
}

/** Retries rounds with backoff until every message is sent (true) or a stop interrupts (false: the records stay
 * unacknowledged). */
export async function sendUntilDelivered(
  sender: DestinationSender,
  d: Delivery,
  retry: InProcessRetry,
): Promise<boolean> {
  let sent = 0;
  for (let failures = 1; ; failures++) {
    sent = await sender.send(d, sent);
    if (sent >= d.messages.length) return true;
    retry.onFailure?.();
    if (retry.stopped()) return false;
    await sleepQuietly(retry.clock, retry.delayMs(failures), retry.signal);
  }
}
