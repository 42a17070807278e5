// The README's benchmark table, generated from a run (`npm run bench -- --update-readme`, or with --report-only
// from the saved latest.json): one line per compared row, sluice's median against the raw loop's, each with the
// spread of its rounds, so a hand-copied figure can neither drift nor flatter. It replaces what lies between the
// two markers in README.md.
import { fmtCompact, fmtDuration, fmtMs, fmtRate, fmtRatio } from './format.js';
import type { BenchResults, ResultRow } from './results.js';
import { groupTitle } from './words.js';

export const README_START = '<!-- bench-table:start (npm run bench -- --update-readme) -->';
export const README_END = '<!-- bench-table:end -->';

const withSpread = (side: ResultRow['sluice'] | undefined): string => {
  if (side === undefined || !Number.isFinite(side.throughput)) return '–';
  const s = side.spread;
  const range = s && s.rounds > 1 ? ` (${fmtCompact(s.min)}–${fmtCompact(s.max)})` : '';
  return `${fmtRate(side.throughput)}${range}`;
};

const latency = (l: { p50: number; p99: number } | undefined): string =>
  l === undefined || !Number.isFinite(l.p50) ? '–' : `${fmtMs(l.p50)} / ${fmtMs(l.p99)}`;

/** The raw loop in words, with the server's CPU where the row measured it (an emulator may be the bound). */
const rawLoopCell = (r: ResultRow): string => {
  const server = r.params.serverCpu;
  return [r.rawLoop, typeof server === 'string' ? server : undefined].filter((x) => x !== undefined).join('; ') || '–';
};

/** The markdown table of every row that has a raw side (scale curves have none). */
export function readmeTable(results: BenchResults): string {
  const rows = results.rows.filter((r) => r.raw !== undefined && !r.group.startsWith('scale-') && r.group !== 'filter');
  const head = [
    'source, row',
    'sluice /s (min–max)',
    'raw /s (min–max)',
    'ratio',
    'p50 / p99 ms sluice',
    'p50 / p99 ms raw',
    'raw loop',
  ];
  const body = rows.map((r) => [
    `${groupTitle(r.group)}: ${r.name}`,
    withSpread(r.sluice),
    withSpread(r.raw),
    fmtRatio(r.ratio),
    latency(r.sluice.latency),
    latency(r.raw?.latency),
    rawLoopCell(r),
  ]);
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const m = results.machine;
  const rounds = Math.max(0, ...rows.map((r) => r.sluice.spread?.rounds ?? 0));
  return [
    `${results.quick ? 'Quick' : 'Full'} run of ${results.date}, ${fmtDuration(results.durationMs)}, ` +
      `${m.cpus.count} × ${m.cpus.model}, Node ${m.node}, commit ${m.commit.slice(0, 12)}; ` +
      (rounds > 1 ? `medians of up to ${rounds} rounds with their min–max; ` : '') +
      'ratio = sluice / raw (target ≥ 0.9).',
    '',
    line(head),
    line(head.map(() => '---')),
    ...body.map(line),
  ].join('\n');
}

/** README text with the table between the markers replaced; throws when the markers are missing. */
export function replaceReadmeTable(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} markers`);
  return `${readme.slice(0, start + README_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
