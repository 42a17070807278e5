import type { Labels, Metrics } from '../../ports/metrics.js';

/** Metric names the queue poller writes; the catalogue in observability/ describes them. */
export const QueueMetric = {
  polled: 'sluice_polled_events_total',
  filteredOut: 'sluice_filtered_out_events_total',
  invoked: 'sluice_invoked_events_total',
  failedInvoke: 'sluice_failed_invoke_events_total',
  /** MET-4 InvokeErrorCount: failed invocations, one per batch. */
  invokeErrors: 'sluice_invoke_errors_total',
  deleted: 'sluice_deleted_events_total',
  inflightBatches: 'sluice_inflight_batches',
  backlog: 'sluice_backlog',
  concurrency: 'sluice_mapping_concurrency',
  /** PRV-14 ProvisionedPollers: receive loops of a provisioned mapping. */
  provisionedPollers: 'sluice_provisioned_pollers',
} as const;

/** Counters and gauges of one mapping, with its labels bound once. */
export class QueueMappingMetrics {
  readonly labels: Labels;

  constructor(
    private readonly metrics: Metrics,
    mapping: string,
    fn: string,
    source: string,
  ) {
    this.labels = { mapping, function: fn, source };
  }

  count(name: (typeof QueueMetric)[keyof typeof QueueMetric], value: number): void {
    if (value > 0) this.metrics.inc(name, this.labels, value);
  }

  gauge(name: (typeof QueueMetric)[keyof typeof QueueMetric], value: number): void {
    this.metrics.set(name, this.labels, value);
  }
}
