// Shared readers for the deployment-file tests: YAML documents, the Dockerfile, and a small PromQL scanner that
// finds the metric and label names an expression uses, so they can be checked against the metric catalogue.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments } from 'yaml';
import { CATALOGUE } from '../../../src/observability/catalogue.js';
import { PrometheusMetrics } from '../../../src/observability/prometheus.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const DEPLOY = path.join(ROOT, 'deploy');

export const readText = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
export const readJson = (rel: string): unknown => JSON.parse(readText(rel)) as unknown;

/** Every file under a folder of the repository, as repository-relative paths with forward slashes. */
export function filesUnder(rel: string): string[] {
  return readdirSync(path.join(ROOT, rel), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

/** All documents of a YAML file; throws with the file name on the first syntax error. */
export function yamlDocs(rel: string): unknown[] {
  const docs = parseAllDocuments(readText(rel));
  if (!Array.isArray(docs)) return [];
  for (const d of docs)
    if (d.errors.length > 0) throw new Error(`${rel}: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as unknown).filter((d) => d !== null);
}

export function yamlDoc<T = Record<string, unknown>>(rel: string): T {
  const [doc] = yamlDocs(rel);
  return doc as T;
}

/** `${env:NAME}` references in a config text. */
export const envRefs = (text: string): string[] =>
  [...text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);

// ---- Dockerfile ----

export interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined; `stage` counts FROMs (0 before the first). */
export function dockerInstructions(rel: string): Instruction[] {
  const joined = readText(rel)
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  let stage = 0;
  const out: Instruction[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage += 1;
    out.push({ keyword, args: m[2]!.trim(), stage });
  }
  return out;
}

// ---- metric names ----

export interface KnownMetric {
  labels: readonly string[];
  bucket: boolean;
}

/** Labels Prometheus (static configs, the Operator's ServiceMonitor, kube-state) attaches to every target. */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'container', 'endpoint'];

/**
 * The series names sluice exports: the catalogue (histograms as _bucket/_sum/_count) plus the prom-client
 * process metrics (`sluice_process_*`, `sluice_nodejs_*`), read from a real registry; `up` is written by Prometheus itself.
 */
export function knownMetrics(): Map<string, KnownMetric> {
  const known = new Map<string, KnownMetric>();
  const add = (name: string, type: string, labels: readonly string[]) => {
    if (type !== 'histogram') return void known.set(name, { labels, bucket: false });
    known.set(`${name}_bucket`, { labels, bucket: true });
    known.set(`${name}_sum`, { labels, bucket: false });
    known.set(`${name}_count`, { labels, bucket: false });
  };
  for (const [name, def] of Object.entries(CATALOGUE)) add(name, def.type, def.labels);
  for (const m of new PrometheusMetrics().registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string; labelNames?: string[] };
    if (!(name in CATALOGUE)) add(name, type, (m as { labelNames?: string[] }).labelNames ?? []);
  }
  known.set('up', { labels: [], bucket: false });
  return known;
}

const FUNCTIONS = new Set([
  'abs', 'absent', 'avg', 'avg_over_time', 'ceil', 'changes', 'clamp_max', 'clamp_min', 'count', 'count_over_time',
  'delta', 'deriv', 'floor', 'histogram_quantile', 'idelta', 'increase', 'irate', 'label_replace', 'max',
  'max_over_time', 'min', 'min_over_time', 'predict_linear', 'quantile', 'quantile_over_time', 'rate', 'resets',
  'round', 'scalar', 'sort', 'sort_desc', 'stddev', 'sum', 'sum_over_time', 'time', 'topk', 'bottomk', 'vector',
]); // prettier-ignore
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

export interface PromqlUse {
  metrics: string[];
  /** Label names inside `{...}` selectors, per metric. */
  selectorLabels: Array<{ metric: string; label: string }>;
  /** Label names of by/without/on/ignoring/group_* clauses. */
  groupLabels: string[];
  /** Words that are neither a known function, a keyword nor a metric-looking name in call position. */
  unknownFunctions: string[];
}

/** Scans a PromQL expression (Grafana's `$var`/`$__rate_interval` allowed) for the names it uses. */
export function scanPromql(expr: string): PromqlUse {
  const use: PromqlUse = { metrics: [], selectorLabels: [], groupLabels: [], unknownFunctions: [] };
  let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '');
  s = s.replace(/([A-Za-z_:][A-Za-z0-9_:]*)?\s*\{([^}]*)\}/g, (_m, metric: string | undefined, inner: string) => {
    for (const l of inner.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g))
      use.selectorLabels.push({ metric: metric ?? '', label: l[1]! });
    return ` ${metric ?? ''} `;
  });
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _k, inner: string) => {
    use.groupLabels.push(
      ...inner
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    );
    return ' ';
  });
  s = s.replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, ' ');
  for (const m of s.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const word = m[1]!;
    if (m[2] !== undefined) {
      if (!FUNCTIONS.has(word)) use.unknownFunctions.push(word);
    } else if (!KEYWORDS.has(word)) use.metrics.push(word);
  }
  return use;
}

/**
 * Syntax check with Prometheus's own grammar (the one its web UI uses). Grafana's range variables are replaced by a
 * duration first, as Grafana does before sending the query.
 */
export function promqlSyntaxError(expr: string): string | undefined {
  const text = expr.replace(/\$__(rate_)?interval|\$__range/g, '5m');
  let at: number | undefined;
  promqlParser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError && at === undefined) at = node.from;
    },
  });
  return at === undefined ? undefined : `syntax error at ${at}: ${text.slice(at, at + 30)}`;
}

/** Problems of one expression: syntax, unknown names, labels a metric does not have. */
export function promqlProblems(expr: string, known: Map<string, KnownMetric>): string[] {
  const use = scanPromql(expr);
  const problems: string[] = [];
  const syntax = promqlSyntaxError(expr);
  if (syntax !== undefined) problems.push(syntax);
  if (use.metrics.length === 0) problems.push(`no metric in ${expr}`);
  for (const f of use.unknownFunctions) problems.push(`unknown function ${f}`);
  const labelsOf = (m: string) => {
    const k = known.get(m);
    return new Set([...(k?.labels ?? []), ...TARGET_LABELS, ...(k?.bucket === true ? ['le'] : [])]);
  };
  for (const m of use.metrics) if (!known.has(m)) problems.push(`unknown metric ${m}`);
  for (const { metric, label } of use.selectorLabels)
    if (!labelsOf(metric).has(label)) problems.push(`${metric} has no label ${label}`);
  const all = new Set(use.metrics.flatMap((m) => [...labelsOf(m)]));
  for (const l of use.groupLabels) if (!all.has(l)) problems.push(`no metric of the expression has label ${l}`);
  return problems;
}
