// Metric names the stream engine writes (catalogue lives in observability/). Labels: {mapping, function, source},
// except destination delivery failures: {function, destination_type}, as in the catalogue.
import { DeliveryMetric } from '../delivery/destination-sender.js';

export const StreamMetric = {
  polled: 'sluice_polled_events_total',
  filteredOut: 'sluice_filtered_out_events_total',
  invoked: 'sluice_invoked_events_total',
  failedInvoke: 'sluice_failed_invoke_events_total',
  dropped: 'sluice_dropped_events_total',
  onFailureDelivered: 'sluice_on_failure_delivered_events_total',
  destinationDeliveryFailures: DeliveryMetric.destinationFailures,
  iteratorAge: 'sluice_iterator_age_seconds',
  backlog: 'sluice_backlog',
  pollingErrors: 'sluice_polling_errors_total',
  /** MET-4 InvokeErrorCount: failed invocations (function or system error, invalid response), one per batch. */
  invokeErrors: 'sluice_invoke_errors_total',
  /** MET-4 CommitErrorCount: failed checkpoint writes / offset commits. */
  commitErrors: 'sluice_commit_errors_total',
  /** MET-4 OnFailureDestinationDeliveryErrorCount: failed sends to the mapping's on-failure destination. */
  onFailureDeliveryErrors: 'sluice_on_failure_delivery_errors_total',
  retries: 'sluice_stream_retries_total',
  /** Gauge {mapping, function, source, state}: how many shards are running, retrying or blocked. */
  shardState: 'sluice_shard_state',
  /** Counter {mapping, function, source, action}: operator commands carried out (#21). */
  operatorActions: 'sluice_operator_actions_total',
} as const;
