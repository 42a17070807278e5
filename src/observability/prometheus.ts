// prom-client adapter for the Metrics port. Every catalogue metric is registered up front; names are typed
// (MetricName), and a name that still slips through (an untyped caller) is reported once in the log, never a crash.
import client from 'prom-client';
import type { Labels, MetricName, Metrics } from '../ports/metrics.js';
import type { Logger } from '../ports/logger.js';
import { CATALOGUE, type MetricDef } from './catalogue.js';
import { setBuildInfo } from './info-metrics.js';

type Instrument = client.Counter | client.Gauge | client.Histogram;

/** prom-client's process_* and nodejs_* metrics become sluice_process_* and sluice_nodejs_*. */
export const DEFAULTS_PREFIX = 'sluice_';
const TOTAL_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class PrometheusMetrics implements Metrics {
  readonly registry = new client.Registry();
  private readonly instruments = new Map<string, Instrument>();
  private readonly unknown = new Set<string>();

  constructor(private readonly logger?: Logger) {
    client.collectDefaultMetrics({ register: this.registry, prefix: DEFAULTS_PREFIX });
    // prom-client's *_total gauges repeat the sum of their per-type siblings and break the naming rule.
    for (const name of TOTAL_GAUGES) this.registry.removeSingleMetric(`${DEFAULTS_PREFIX}${name}`);
    for (const name of Object.keys(CATALOGUE) as MetricName[]) this.get(name);
    setBuildInfo(this);
  }

  private get(name: MetricName): Instrument | undefined {
    const existing = this.instruments.get(name);
    if (existing) return existing;
    const def = CATALOGUE[name] as MetricDef | undefined;
    if (def === undefined) {
      if (!this.unknown.has(name)) this.logger?.error({ metric: name }, 'metric missing from the catalogue');
      this.unknown.add(name);
      return undefined;
    }
    const opts = {
      name,
      help: def.help,
      labelNames: [...def.labels],
      registers: [this.registry],
      aggregator: def.merge ?? ('sum' as const),
    };
    const made =
      def.type === 'counter'
        ? new client.Counter(opts)
        : def.type === 'gauge'
          ? new client.Gauge(opts)
          : new client.Histogram({ ...opts, buckets: def.buckets ?? client.linearBuckets(0, 1, 1) });
    this.instruments.set(name, made);
    return made;
  }

  inc(name: MetricName, labels: Labels = {}, value = 1): void {
    const m = this.get(name);
    if (m instanceof client.Counter || m instanceof client.Gauge) m.inc(labels, value);
  }

  set(name: MetricName, labels: Labels, value: number): void {
    const m = this.get(name);
    if (m instanceof client.Gauge) m.set(labels, value);
  }

  observe(name: MetricName, labels: Labels, value: number): void {
    const m = this.get(name);
    if (m instanceof client.Histogram) m.observe(labels, value);
  }

  remove(name: MetricName, labels: Labels): void {
    const m = this.get(name);
    if (m instanceof client.Gauge) m.remove(labels);
  }

  /** What /metrics serves; a worker of `--workers N` swaps in the merged text of every process. */
  text: () => Promise<string> = () => this.registry.metrics();

  get contentType(): string {
    return this.registry.contentType;
  }
}
