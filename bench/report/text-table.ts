// The aligned table `npm run bench` prints to stdout: one line per row, one FAILED line per failed scenario.
import { fmtDuration, fmtFixed, fmtMs, fmtRate, fmtRatio, fmtSpread } from './format.js';
import type { BenchResults, ResultRow } from './results.js';

const HEADER = [
  'group',
  'name',
  'sluice/s',
  'raw/s',
  'ratio',
  'sluice min–max',
  'raw min–max',
  'sluice p50/p99 ms',
  'raw p50/p99 ms',
  'CPU %',
  'raw CPU %',
  'RSS MB',
  'unit',
];
/** Columns aligned left; the others are numbers, aligned right. */
const LEFT = new Set([0, 1, 12]);

const pair = (l: { p50: number; p99: number } | undefined): string =>
  l === undefined ? '-' : `${fmtMs(l.p50)} / ${fmtMs(l.p99)}`;

function cells(row: ResultRow): string[] {
  return [
    row.group,
    row.name,
    fmtRate(row.sluice.throughput),
    fmtRate(row.raw?.throughput),
    fmtRatio(row.ratio),
    fmtSpread(row.sluice.spread),
    fmtSpread(row.raw?.spread),
    pair(row.sluice.latency),
    pair(row.raw?.latency),
    fmtFixed(row.sluice.cost?.cpuPercent),
    fmtFixed(row.raw?.cost?.cpuPercent),
    fmtFixed(row.sluice.cost?.rssMb),
    row.unit,
  ];
}

export function formatTable(results: BenchResults): string {
  const body = results.rows.map(cells);
  const failed = results.scenarios.filter((x) => !x.ok);
  // failed ids share the group column
  const all = [HEADER, ...body, ...failed.map((s) => [s.id])];
  const widths = HEADER.map((_, col) => Math.max(...all.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, col) => (LEFT.has(col) ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  ')];
  out.push(...body.map(line));
  for (const s of failed) {
    out.push(
      `${s.id.padEnd(widths[0] ?? 0)}  FAILED after ${fmtDuration(s.durationMs)}: ${s.error ?? 'unknown error'}`,
    );
  }
  const m = results.machine;
  out.push(
    '',
    `${results.quick ? 'quick' : 'full'} run of ${results.date}, ${fmtDuration(results.durationMs)}; ` +
      `${m.cpus.count} × ${m.cpus.model}, ${Math.round(m.totalMemoryMb / 1024)} GB, ${m.os}, node ${m.node}, ` +
      `commit ${m.commit.slice(0, 12)}`,
    'throughput = median of the rounds, min–max their spread; ratio = sluice / raw median (target ≥ 0.9); ' +
      'CPU % of one core and peak RSS (VmHWM) of the benchmark process',
  );
  return `${out.join('\n')}\n`;
}
