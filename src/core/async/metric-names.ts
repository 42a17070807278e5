// Async metric names (spec §10); the observability catalogue registers them with these labels.
import { DeliveryMetric } from '../delivery/destination-sender.js';

export const ASYNC_METRICS = {
  /** counter {function} — AsyncEventsReceived */
  received: 'sluice_async_events_received_total',
  /** histogram {function} — AsyncEventAge, observed at each invocation */
  eventAge: 'sluice_async_event_age_seconds',
  /** counter {function, reason} — AsyncEventsDropped (ASY-14); reason is the record condition */
  dropped: 'sluice_async_events_dropped_total',
  /** gauge {} */
  queueDepth: 'sluice_async_queue_depth',
  /** gauge {} */
  oldestAge: 'sluice_async_oldest_event_age_seconds',
  /** counter {function, destination_type} — DestinationDeliveryFailures */
  destinationFailures: DeliveryMetric.destinationFailures,
  /** counter {function} — RecursiveInvocationsDropped (ERR-6, REC-7) */
  recursiveDropped: 'sluice_recursive_invocations_dropped_total',
  /** counter {function} — DeadLetterErrors */
  deadLetterErrors: DeliveryMetric.deadLetterErrors,
} as const;
