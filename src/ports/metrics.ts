// The metrics interface the core writes to. Names are the MetricName union below; observability/catalogue.ts
// describes each and the adapter there maps them onto prom-client. Labels are low-cardinality: never record ids.

export type Labels = Readonly<Record<string, string>>;

/**
 * Every metric sluice writes (DESIGN "Errors, logs, metrics"): a name not listed here fails typecheck, and the
 * catalogue must describe each one (type, help, labels).
 */
export type MetricName =
  | 'sluice_build_info'
  | 'sluice_mapping_info'
  | 'sluice_invocations_total'
  | 'sluice_errors_total'
  | 'sluice_throttles_total'
  | 'sluice_duration_seconds'
  | 'sluice_concurrent_executions'
  | 'sluice_invoke_system_errors_total'
  | 'sluice_unreserved_concurrent_executions'
  | 'sluice_cold_starts_total'
  | 'sluice_polled_events_total'
  | 'sluice_filtered_out_events_total'
  | 'sluice_invoked_events_total'
  | 'sluice_failed_invoke_events_total'
  | 'sluice_dropped_events_total'
  | 'sluice_deleted_events_total'
  | 'sluice_committed_events_total'
  | 'sluice_on_failure_delivered_events_total'
  | 'sluice_inflight_batches'
  | 'sluice_mapping_concurrency'
  | 'sluice_provisioned_pollers'
  | 'sluice_backlog'
  | 'sluice_iterator_age_seconds'
  | 'sluice_offset_lag'
  | 'sluice_offset_lag_max'
  | 'sluice_source_buffered_bytes'
  | 'sluice_schema_registry_errors_total'
  | 'sluice_polling_errors_total'
  | 'sluice_invoke_errors_total'
  | 'sluice_commit_errors_total'
  | 'sluice_on_failure_delivery_errors_total'
  | 'sluice_stream_retries_total'
  | 'sluice_shard_state'
  | 'sluice_operator_actions_total'
  | 'sluice_mapping_state'
  | 'sluice_async_events_received_total'
  | 'sluice_async_event_age_seconds'
  | 'sluice_async_events_dropped_total'
  | 'sluice_async_queue_depth'
  | 'sluice_async_oldest_event_age_seconds'
  | 'sluice_destination_delivery_failures_total'
  | 'sluice_dead_letter_errors_total'
  | 'sluice_recursive_invocations_dropped_total'
  | 'sluice_workers'
  | 'sluice_worker_restarts_total';

export interface Metrics {
  inc(name: MetricName, labels?: Labels, value?: number): void;
  set(name: MetricName, labels: Labels, value: number): void;
  observe(name: MetricName, labels: Labels, value: number): void;
  /** Drops one series (an info gauge of something that stopped); adapters without series may omit it. */
  remove?(name: MetricName, labels: Labels): void;
}

export const noopMetrics: Metrics = {
  inc() {},
  set() {},
  observe() {},
};
