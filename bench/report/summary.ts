// The report's opening: one line per source (not the scale curves) with sluice's best throughput and how it
// compares with the raw client loop, so a reader sees the verdict before any table.
import { groupsOf, isScaleGroup, RATIO_TARGET } from './charts.js';
import { fmtRate, fmtRatio } from './format.js';
import type { ResultRow } from './results.js';
import { esc } from './svg.js';
import { groupTitle } from './words.js';

export function summaryLine(group: string, rows: ResultRow[]): string {
  const best = rows.reduce((a, r) => (r.sluice.throughput > a.sluice.throughput ? r : a));
  const rated = rows.flatMap((r) => (r.ratio !== undefined && Number.isFinite(r.ratio) ? [r.ratio] : []));
  const n = `${rows.length} row${rows.length === 1 ? '' : 's'}`;
  let compared = `no raw client to compare with (${n})`;
  if (rated.length > 0) {
    const [lo, hi] = [Math.min(...rated), Math.max(...rated)];
    const range = lo === hi ? fmtRatio(lo) : `${fmtRatio(lo)}–${fmtRatio(hi)}`;
    const verdict = lo >= RATIO_TARGET ? 'at or above' : hi < RATIO_TARGET ? 'below' : 'partly below';
    compared = `${range} of the raw client's throughput over ${n}, ${verdict} the ${RATIO_TARGET} target`;
  }
  return `${groupTitle(group)}: sluice up to ${fmtRate(best.sluice.throughput)} ${best.unit}; ${compared}.`;
}

/** `<ul>` of one line per source group; empty string when no source row ran. */
export function summaryHtml(rows: ResultRow[]): string {
  const lines = [...groupsOf(rows)]
    .filter(([group]) => !isScaleGroup(group))
    .map(([group, rs]) => {
      const low = rs.some((r) => r.ratio !== undefined && r.ratio < RATIO_TARGET) ? ' class="low"' : '';
      return `<li${low}>${esc(summaryLine(group, rs))}</li>`;
    });
  return lines.length === 0 ? '' : `<ul class="summary">\n${lines.join('\n')}\n</ul>`;
}
