// The PromQL scanner the deployment tests rely on must catch the mistakes it is there for.
import { describe, expect, it } from 'vitest';
import { knownMetrics, promqlProblems, scanPromql } from './helpers.js';

const known = knownMetrics();

describe('PromQL scanner (test helper)', () => {
  it('finds metrics, selector labels and grouping labels', () => {
    const use = scanPromql(
      'histogram_quantile(0.99, sum by (le, function) (rate(sluice_duration_seconds_bucket{function=~"$function"}[$__rate_interval])))',
    );
    expect(use.metrics).toEqual(['sluice_duration_seconds_bucket']);
    expect(use.selectorLabels).toEqual([{ metric: 'sluice_duration_seconds_bucket', label: 'function' }]);
    expect(use.groupLabels).toEqual(['le', 'function']);
    expect(use.unknownFunctions).toEqual([]);
  });

  it('accepts catalogue metrics, histogram series and process metrics', () => {
    expect(promqlProblems('sum(rate(sluice_async_event_age_seconds_count[5m]))', known)).toEqual([]);
    expect(promqlProblems('rate(sluice_process_cpu_seconds_total[5m])', known)).toEqual([]);
    expect(promqlProblems('a_b and on (mapping) sluice_backlog', known)).toEqual(['unknown metric a_b']);
  });

  it('rejects unknown metrics, a histogram without its suffix, and labels a metric does not have', () => {
    expect(promqlProblems('rate(sluice_invocation_total[5m])', known)).toEqual([
      'unknown metric sluice_invocation_total',
    ]);
    expect(promqlProblems('sluice_duration_seconds', known)).toEqual(['unknown metric sluice_duration_seconds']);
    expect(promqlProblems('sluice_backlog{reason="x"}', known)).toEqual(['sluice_backlog has no label reason']);
    expect(promqlProblems('sum by (destination) (sluice_destination_delivery_failures_total)', known)).toEqual([
      'no metric of the expression has label destination',
    ]);
    expect(promqlProblems('summ(sluice_backlog)', known)).toContain('unknown function summ');
  });

  it('rejects PromQL that does not parse (Prometheus grammar), with Grafana range variables allowed', () => {
    expect(promqlProblems('sum(rate(sluice_backlog[$__rate_interval]))', known)).toEqual([]);
    expect(promqlProblems('sum(rate(sluice_errors_total[5m])', known)[0]).toMatch(/^syntax error/);
    expect(promqlProblems('sluice_backlog > > 1', known)[0]).toMatch(/^syntax error/);
  });
});
