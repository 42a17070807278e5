// Every metric sluice exports, in one place. Names mirror Lambda's CloudWatch metrics (spec §10) with the
// `sluice_` prefix; labels stay low-cardinality (function, mapping, source, outcome, reason — never ids).
// Keyed by the ports' MetricName union: a name without an entry here, or an entry for no name, fails typecheck.
import type { MetricName } from '../ports/metrics.js';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  type: MetricType;
  help: string;
  labels: readonly string[];
  buckets?: number[];
  /**
   * How `--workers N` merges the processes' values into one /metrics (prom-client aggregators). Default sum;
   * max where every process sees the same value (a queue's backlog, the async queue) or reports a 1.
   */
  merge?: 'max' | 'first';
}

const fn = ['function'] as const;
const fnSrc = ['function', 'source'] as const;
const esm = ['mapping', 'function', 'source'] as const;
const seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
// Async event age: 10 ms .. 6 h (MaximumEventAgeInSeconds' ceiling), in seconds like every duration here.
const ageSeconds = [0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 21_600];

export const CATALOGUE: Readonly<Record<MetricName, MetricDef>> = {
  // Info gauges (always 1): join on their labels to name what runs.
  sluice_build_info: {
    type: 'gauge',
    merge: 'first',
    help: 'Always 1; the labels say which sluice and Node.js versions run.',
    labels: ['version', 'node_version'],
  },
  sluice_mapping_info: {
    type: 'gauge',
    merge: 'max',
    help: 'Always 1 for each running event source mapping; the series goes when the mapping stops.',
    labels: ['mapping', 'function', 'event_source_arn'],
  },
  // Invocation (Invocations, Errors, Throttles, Duration, ConcurrentExecutions).
  sluice_invocations_total: {
    type: 'counter',
    help: 'Function code runs (successes and function errors).',
    labels: fnSrc,
  },
  sluice_errors_total: { type: 'counter', help: 'Invocations that ended in a function error.', labels: fnSrc },
  sluice_throttles_total: { type: 'counter', help: 'Invoke requests rejected for concurrency.', labels: fnSrc },
  sluice_duration_seconds: { type: 'histogram', help: 'Function run time.', labels: fn, buckets: seconds },
  sluice_concurrent_executions: { type: 'gauge', help: 'Invocations running now.', labels: fn },
  sluice_invoke_system_errors_total: {
    type: 'counter',
    help: 'Invocations that could not run for a service-side reason (5xx, network, not found).',
    labels: fnSrc,
  },
  sluice_unreserved_concurrent_executions: {
    type: 'gauge',
    help: 'Invocations running now in the unreserved pool.',
    labels: [],
  },
  sluice_cold_starts_total: { type: 'counter', help: 'New execution environments started.', labels: fn },
  // Event source mappings (EventCount group and friends).
  sluice_polled_events_total: { type: 'counter', help: 'Events read from the source.', labels: esm },
  sluice_filtered_out_events_total: { type: 'counter', help: 'Events removed by the filter.', labels: esm },
  sluice_invoked_events_total: {
    type: 'counter',
    help: 'Events sent to the function (again on retries).',
    labels: esm,
  },
  sluice_failed_invoke_events_total: { type: 'counter', help: 'Events in failed invocations.', labels: esm },
  sluice_dropped_events_total: { type: 'counter', help: 'Events dropped for age or retries.', labels: esm },
  sluice_deleted_events_total: { type: 'counter', help: 'Queue messages deleted after processing.', labels: esm },
  sluice_committed_events_total: { type: 'counter', help: 'Kafka offsets committed (sum of deltas).', labels: esm },
  sluice_on_failure_delivered_events_total: {
    type: 'counter',
    help: 'Events sent to the on-failure destination.',
    labels: esm,
  },
  sluice_inflight_batches: { type: 'gauge', help: 'Batches being processed now.', labels: esm },
  sluice_mapping_concurrency: { type: 'gauge', help: 'Current concurrency target of a queue mapping.', labels: esm },
  sluice_provisioned_pollers: {
    type: 'gauge',
    help: 'Pollers running for a mapping in provisioned mode (ProvisionedPollers), between its minimum and maximum.',
    labels: esm,
  },
  sluice_backlog: {
    type: 'gauge',
    merge: 'max',
    help: 'Records waiting at the source (KEDA scaler input).',
    labels: esm,
  },
  sluice_iterator_age_seconds: {
    type: 'gauge',
    merge: 'max',
    help: 'Age in seconds of the last record of the last batch (oldest shard of the mapping).',
    labels: esm,
  },
  sluice_offset_lag: { type: 'gauge', merge: 'max', help: 'Kafka offset lag (sum over partitions).', labels: esm },
  sluice_offset_lag_max: { type: 'gauge', merge: 'max', help: 'Kafka offset lag (max over partitions).', labels: esm },
  sluice_source_buffered_bytes: {
    type: 'gauge',
    help: 'Bytes of records a source has fetched ahead and buffered (Kafka partition buffers).',
    labels: esm,
  },
  sluice_schema_registry_errors_total: {
    type: 'counter',
    help: 'Kafka schema registry failures: a schema not fetched or a record not decoded (SchemaRegistryErrorCount, SR-14).',
    labels: esm,
  },
  sluice_polling_errors_total: { type: 'counter', help: 'Errors reading from a source.', labels: esm },
  // ErrorCount group (MET-4), for every source.
  sluice_invoke_errors_total: {
    type: 'counter',
    help: 'Failed invocations of a mapping (function or system error, invalid batch response), one per batch.',
    labels: esm,
  },
  sluice_commit_errors_total: {
    type: 'counter',
    help: 'Failed checkpoint writes or offset commits of a stream mapping (retried).',
    labels: esm,
  },
  sluice_on_failure_delivery_errors_total: {
    type: 'counter',
    help: "Failed sends to a stream mapping's on-failure destination (the records wait and are retried).",
    labels: esm,
  },
  sluice_stream_retries_total: {
    type: 'counter',
    help: 'Stream batches invoked again after a function error, partial failure, throttle or system error.',
    labels: esm,
  },
  sluice_shard_state: {
    type: 'gauge',
    help: 'Owned shards by state: running, retrying (backing off after a failure), blocked (on-failure destination down).',
    labels: [...esm, 'state'],
  },
  sluice_operator_actions_total: {
    type: 'counter',
    help: 'Operator actions on stream shards (skip, pause, resume), by action.',
    labels: [...esm, 'action'],
  },
  sluice_mapping_state: {
    type: 'gauge',
    help: 'Enabled mappings by state (1 = current; with --workers, how many processes are in it): starting, running, retrying (source unreachable; backing off), stopping, stopped.',
    labels: [...esm, 'state'],
  },
  // Async invocation.
  sluice_async_events_received_total: { type: 'counter', help: 'Async events queued.', labels: fn },
  sluice_async_event_age_seconds: {
    type: 'histogram',
    help: 'Seconds from queueing to invocation.',
    labels: fn,
    buckets: ageSeconds,
  },
  sluice_async_events_dropped_total: {
    type: 'counter',
    help: 'Async events dropped without a successful run.',
    labels: ['function', 'reason'],
  },
  sluice_async_queue_depth: { type: 'gauge', merge: 'max', help: 'Events in the async queue.', labels: [] },
  sluice_async_oldest_event_age_seconds: {
    type: 'gauge',
    merge: 'max',
    help: 'Age in seconds of the oldest queued event.',
    labels: [],
  },
  sluice_destination_delivery_failures_total: {
    type: 'counter',
    help: 'Failed deliveries to a destination.',
    labels: ['function', 'destination_type'],
  },
  sluice_dead_letter_errors_total: { type: 'counter', help: 'Failed writes to a dead-letter queue.', labels: fn },
  sluice_recursive_invocations_dropped_total: {
    type: 'counter',
    help: 'Async events stopped by the recursion guard (a function chained to itself more than 16 times).',
    labels: fn,
  },
  // `sluice start --workers N`: written by the primary process only.
  sluice_workers: { type: 'gauge', help: 'Worker processes running (sluice start --workers).', labels: [] },
  sluice_worker_restarts_total: {
    type: 'counter',
    help: 'Worker processes the primary started again after one died.',
    labels: [],
  },
};
