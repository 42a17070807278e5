// The Grafana dashboard, the Prometheus alert rules and the KEDA query only use series sluice exports.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/observability/catalogue.js';
import { knownMetrics, promqlProblems, readJson, scanPromql, yamlDoc, yamlDocs } from './helpers.js';

const known = knownMetrics();

interface Target {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string };
}

const dashboard = readJson('deploy/grafana/sluice-dashboard.json') as Dashboard;
const graphs = dashboard.panels.filter((p) => p.type !== 'row');
const dashboardExprs = graphs.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })));
const rules = yamlDoc<{ groups: Array<{ name: string; rules: Rule[] }> }>(
  'deploy/prometheus/alerts.yml',
).groups.flatMap((g) => g.rules);
const metricsOf = (exprs: string[]) => new Set(exprs.flatMap((e) => scanPromql(e).metrics));

describe('Grafana dashboard (deploy/grafana/sluice-dashboard.json)', () => {
  it('parses, has unique panel ids, fits the 24-column grid and names a datasource variable', () => {
    expect(dashboard.uid).toBe('sluice');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    const vars = dashboard.templating.list.map((v) => v.name);
    expect(vars).toContain('datasource');
    for (const p of graphs) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets?.map((t) => t.refId)).size, p.title).toBe(p.targets?.length);
    }
  });

  it('every metric and label in its PromQL exists in the catalogue (histograms as _bucket/_sum/_count, process metrics as sluice_process_ and sluice_nodejs_)', () => {
    const problems = dashboardExprs.flatMap(({ where, expr }) =>
      promqlProblems(expr, known).map((p) => `${where}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('template variables read labels that their metric has', () => {
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(q);
      expect(m, q).not.toBeNull();
      expect(known.get(m![1]!)?.labels, q).toContain(m![2]);
    }
  });

  it('has the panels issue #9 asks for (invocations, ESM events, iterator age, lag, backlog, async queue, failures)', () => {
    const used = metricsOf(dashboardExprs.map((e) => e.expr));
    const required = [
      'sluice_invocations_total',
      'sluice_errors_total',
      'sluice_throttles_total',
      'sluice_duration_seconds_bucket',
      'sluice_concurrent_executions',
      'sluice_polled_events_total',
      'sluice_filtered_out_events_total',
      'sluice_invoked_events_total',
      'sluice_failed_invoke_events_total',
      'sluice_dropped_events_total',
      'sluice_deleted_events_total',
      'sluice_iterator_age_seconds',
      'sluice_offset_lag',
      'sluice_backlog',
      'sluice_async_queue_depth',
      'sluice_async_oldest_event_age_seconds',
      'sluice_async_events_dropped_total',
      'sluice_destination_delivery_failures_total',
      'sluice_dead_letter_errors_total',
    ];
    expect(required.filter((m) => !used.has(m))).toEqual([]);
    const dropped = dashboardExprs.find((e) => e.expr.includes('sluice_async_events_dropped_total'));
    expect(scanPromql(dropped?.expr ?? '').groupLabels).toContain('reason');
  });
});

describe('Prometheus alert rules (deploy/prometheus/alerts.yml)', () => {
  it('parse as a rule file: unique names, a severity, a summary, valid durations', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      expect(['info', 'warning', 'critical'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toBeTruthy();
      if (r.for !== undefined) expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it('every metric and label in their PromQL exists in the catalogue', () => {
    const problems = rules.flatMap((r) => promqlProblems(r.expr, known).map((p) => `${r.alert}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('cover iterator age, blocked shards, errors, drops, destinations, DLQ and the async queue age', () => {
    const byName = new Map(rules.map((r) => [r.alert, metricsOf([r.expr])]));
    expect([...(byName.get('SluiceIteratorAgeRising') ?? [])]).toContain('sluice_iterator_age_seconds');
    // No shard-state metric exists: rising iterator age plus failed invokes stands in for "blocked".
    expect([...(byName.get('SluiceShardBlocked') ?? [])].sort()).toEqual([
      'sluice_failed_invoke_events_total',
      'sluice_iterator_age_seconds',
    ]);
    const all = metricsOf(rules.map((r) => r.expr));
    for (const m of [
      'sluice_errors_total',
      'sluice_dropped_events_total',
      'sluice_async_events_dropped_total',
      'sluice_destination_delivery_failures_total',
      'sluice_dead_letter_errors_total',
      'sluice_async_oldest_event_age_seconds',
    ])
      expect([...all]).toContain(m);
  });

  it('combine the unlabelled async queue gauges with max(), since every instance reports the shared queue', () => {
    for (const r of rules.filter((x) => /sluice_async_(queue_depth|oldest_event_age_seconds)/.test(x.expr)))
      expect(r.expr, r.alert).toMatch(/max\(sluice_async_/);
  });
});

describe('KEDA ScaledObject (deploy/kubernetes/keda-scaledobject.yaml)', () => {
  const so = yamlDocs('deploy/kubernetes/keda-scaledobject.yaml')[0] as {
    kind: string;
    spec: { triggers: Array<{ type: string; metadata: { query: string; threshold: string } }> };
  };

  it('scales on the sluice_backlog catalogue gauge through the Prometheus scaler', () => {
    expect(so.kind).toBe('ScaledObject');
    const [trigger] = so.spec.triggers;
    expect(trigger?.type).toBe('prometheus');
    expect(promqlProblems(trigger?.metadata.query ?? '', known)).toEqual([]);
    expect(scanPromql(trigger?.metadata.query ?? '').metrics).toEqual(['sluice_backlog']);
    expect(CATALOGUE.sluice_backlog?.type).toBe('gauge');
    expect(Number(trigger?.metadata.threshold)).toBeGreaterThan(0);
  });
});
