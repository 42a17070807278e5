// The report's charts, built from result rows: throughput and latency per source (sluice next to raw), the
// ratio of every row against the 0.9 target, and line charts for the `scale-` curves.
import { fmtMs } from './format.js';
import type { ResultRow } from './results.js';
import { barChart, lineChart, type Series } from './svg.js';
import { groupTitle } from './words.js';

export const RATIO_TARGET = 0.9;
const SLUICE = '#2563eb';
const RAW = '#9ca3af';
const SLUICE_P50 = '#93c5fd';
const RAW_P50 = '#d1d5db';

export const isScaleGroup = (group: string): boolean => group.startsWith('scale-');

/** Row groups in first-seen order. */
export function groupsOf(rows: ResultRow[]): Map<string, ResultRow[]> {
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return groups;
}

export function throughputChart(group: string, rows: ResultRow[]): string {
  const hasRaw = rows.some((r) => r.raw !== undefined);
  const series: Series[] = [{ name: 'sluice', color: SLUICE }, ...(hasRaw ? [{ name: 'raw client', color: RAW }] : [])];
  const units = [...new Set(rows.map((r) => r.unit))];
  return barChart({
    title: `${groupTitle(group)}: throughput of sluice${hasRaw ? ' next to the raw client' : ''}`,
    unit: units.join(', '),
    series,
    categories: rows.map((r) => ({
      label: r.name,
      values: hasRaw ? [r.sluice.throughput, r.raw?.throughput] : [r.sluice.throughput],
    })),
  });
}

/** undefined when no row of the group measured latency. */
export function latencyChart(group: string, rows: ResultRow[]): string | undefined {
  const measured = rows.filter((r) => r.sluice.latency !== undefined || r.raw?.latency !== undefined);
  if (measured.length === 0) return undefined;
  return barChart({
    title: `${groupTitle(group)}: latency from the source to the handler`,
    unit: 'ms',
    series: [
      { name: 'sluice p50', color: SLUICE_P50 },
      { name: 'sluice p99', color: SLUICE },
      { name: 'raw p50', color: RAW_P50 },
      { name: 'raw p99', color: RAW },
    ],
    categories: measured.map((r) => ({
      label: r.name,
      values: [r.sluice.latency?.p50, r.sluice.latency?.p99, r.raw?.latency?.p50, r.raw?.latency?.p99],
    })),
    valueLabel: fmtMs,
  });
}

/** Every row that has a raw side, outside the scale curves; undefined when there is none. */
export function ratioChart(rows: ResultRow[]): string | undefined {
  const compared = rows.filter((r) => r.ratio !== undefined && !isScaleGroup(r.group));
  if (compared.length === 0) return undefined;
  return barChart({
    title: 'sluice throughput as a share of the raw client loop',
    unit: 'ratio',
    series: [{ name: 'sluice / raw', color: SLUICE }],
    categories: compared.map((r) => ({ label: `${r.group}: ${r.name}`, values: [r.ratio] })),
    log: false,
    reference: { value: RATIO_TARGET, label: `target ${RATIO_TARGET}` },
    valueLabel: (n) => n.toFixed(2),
  });
}

/** The name of x: `params.x` when a row names it, else the first param whose value is x, else "x". */
export function xLabelOf(rows: ResultRow[]): string {
  const r = rows.find((row) => row.x !== undefined);
  if (r === undefined) return 'x';
  if (typeof r.params.x === 'string') return r.params.x;
  const hit = Object.entries(r.params).find(([, v]) => v === r.x);
  return hit?.[0] ?? 'x';
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** Rows split into their lines by `params.series` (one line named `fallback` when no row names one). */
function linesOf(rows: ResultRow[], fallback: string): Array<{ name: string; color: string; rows: ResultRow[] }> {
  const byName = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const name = typeof r.params.series === 'string' ? r.params.series : fallback;
    byName.set(name, [...(byName.get(name) ?? []), r]);
  }
  return [...byName].map(([name, rs], i) => ({ name, color: PALETTE[i % PALETTE.length] ?? SLUICE, rows: rs }));
}

/** A scale group's curves: throughput vs x, plus latency and RSS vs x where the rows have them. */
export function scaleCharts(group: string, rows: ResultRow[]): string[] {
  const pts = rows.filter((r) => r.x !== undefined);
  const xLabel = xLabelOf(pts);
  const unit = [...new Set(pts.map((r) => r.unit))].join(', ');
  const point = (r: ResultRow, y: number | undefined): [number, number] => [r.x ?? NaN, y ?? NaN];
  const charts = [
    lineChart({
      title: `${groupTitle(group)}: throughput`,
      xLabel,
      yLabel: unit,
      series: [
        ...linesOf(pts, 'sluice').map((l) => ({
          name: l.name,
          color: l.color,
          points: l.rows.map((r) => point(r, r.sluice.throughput)),
        })),
        ...(pts.some((r) => r.raw)
          ? [{ name: 'raw client', color: RAW, points: pts.map((r) => point(r, r.raw?.throughput)) }]
          : []),
      ],
    }),
  ];
  if (pts.some((r) => r.sluice.latency || r.raw?.latency)) {
    charts.push(
      lineChart({
        title: `${groupTitle(group)}: latency from the source to the handler`,
        xLabel,
        yLabel: 'ms',
        series: [
          { name: 'sluice p50', color: SLUICE_P50, points: pts.map((r) => point(r, r.sluice.latency?.p50)) },
          { name: 'sluice p99', color: SLUICE, points: pts.map((r) => point(r, r.sluice.latency?.p99)) },
          { name: 'raw p50', color: RAW_P50, points: pts.map((r) => point(r, r.raw?.latency?.p50)) },
          { name: 'raw p99', color: RAW, points: pts.map((r) => point(r, r.raw?.latency?.p99)) },
        ].filter((s) => s.points.some(([, y]) => Number.isFinite(y))),
      }),
    );
  }
  if (pts.some((r) => r.sluice.cost)) {
    charts.push(
      lineChart({
        title: `${groupTitle(group)}: peak memory (RSS) of the sluice process`,
        xLabel,
        yLabel: 'MB',
        series: linesOf(pts, 'sluice RSS').map((l) => ({
          name: l.name,
          color: l.color,
          points: l.rows.map((r) => point(r, r.sluice.cost?.rssMb)),
        })),
      }),
    );
  }
  return charts;
}
