// Metric names are a typed union (#16 item 3): the catalogue describes exactly those names, and a typo is a
// compile error, not a metric that silently never appears.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/observability/catalogue.js';
import { PrometheusMetrics } from '../../../src/observability/prometheus.js';
import { noopMetrics, type MetricName } from '../../../src/ports/metrics.js';

describe('metric names', () => {
  it('a name outside the MetricName union fails typecheck', () => {
    // @ts-expect-error 'sluice_invocation_total' (singular) is not a metric sluice writes
    noopMetrics.inc('sluice_invocation_total', {});
    const known: MetricName = 'sluice_invocations_total';
    expect(CATALOGUE[known].type).toBe('counter');
  });

  it('every catalogue name is registered with prom-client under the sluice_ prefix', async () => {
    const metrics = new PrometheusMetrics();
    const text = await metrics.text();
    for (const name of Object.keys(CATALOGUE)) {
      expect(name).toMatch(/^sluice_[a-z_]+$/);
      expect(text).toContain(`# TYPE ${name} ${CATALOGUE[name as MetricName].type}`);
    }
  });
});
