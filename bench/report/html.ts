// bench/results/report.html: one self-contained page (inline CSS and SVG, no script, no network): a one-line-per-
// source summary, the ratio overview, throughput and latency per source, the scale curves, then the full table.
import { groupsOf, isScaleGroup, latencyChart, ratioChart, scaleCharts, throughputChart } from './charts.js';
import { fmtDuration, fmtFixed, fmtMs, fmtRate, fmtRatio, fmtSpread } from './format.js';
import type { Spread } from '../lib/types.js';
import type { BenchResults, ResultRow } from './results.js';
import { summaryHtml } from './summary.js';
import { esc } from './svg.js';
import { groupTitle } from './words.js';

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #111; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 12px; margin: 12px 0; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th.l, td.l { text-align: left; } td.notes { white-space: normal; color: #555; min-width: 240px; }
.meta { color: #444; } .failed { background: #fee; border: 1px solid #c00; padding: 8px 12px; }
.low { color: #b00; font-weight: 600; } ul.summary li { margin: 2px 0; } ul.summary li.low { font-weight: 400; } .chart { display: block; margin: 12px 0; max-width: 100%; height: auto; }
`;

const latency = (l: { p50: number; p99: number } | undefined) =>
  l === undefined ? '-' : `${fmtMs(l.p50)} / ${fmtMs(l.p99)}`;

/** The rounds' min–max under the median figure. */
const spread = (s: Spread | undefined) => (s && s.rounds > 1 ? `<br><small>${esc(fmtSpread(s))}</small>` : '');

function tableHtml(rows: ResultRow[]): string {
  const head = [
    ['group', 'l'],
    ['name', 'l'],
    ['sluice', ''],
    ['raw', ''],
    ['ratio', ''],
    ['sluice p50 / p99 ms', ''],
    ['raw p50 / p99 ms', ''],
    ['CPU %', ''],
    ['raw CPU %', ''],
    ['RSS MB', ''],
    ['unit', 'l'],
    ['notes', 'l'],
  ];
  const tr = (r: ResultRow) => {
    const low = r.ratio !== undefined && r.ratio < 0.9 ? ' class="low"' : '';
    return (
      `<tr><td class="l">${esc(r.group)}</td><td class="l">${esc(r.name)}</td>` +
      `<td>${fmtRate(r.sluice.throughput)}${spread(r.sluice.spread)}</td>` +
      `<td>${fmtRate(r.raw?.throughput)}${spread(r.raw?.spread)}</td>` +
      `<td${low}>${fmtRatio(r.ratio)}</td>` +
      `<td>${latency(r.sluice.latency)}</td><td>${latency(r.raw?.latency)}</td>` +
      `<td>${fmtFixed(r.sluice.cost?.cpuPercent)}</td><td>${fmtFixed(r.raw?.cost?.cpuPercent)}</td>` +
      `<td>${fmtFixed(r.sluice.cost?.rssMb)}</td><td class="l">${esc(r.unit)}</td>` +
      `<td class="notes">${esc(r.notes ?? '')}</td></tr>`
    );
  };
  return (
    `<table><thead><tr>${head.map(([h, c]) => `<th${c ? ` class="${c}"` : ''}>${esc(h ?? '')}</th>`).join('')}` +
    `</tr></thead><tbody>\n${rows.map(tr).join('\n')}\n</tbody></table>`
  );
}

export function renderHtml(results: BenchResults): string {
  const m = results.machine;
  const failed = results.scenarios.filter((s) => !s.ok);
  const groups = groupsOf(results.rows);
  const body: string[] = [
    '<h1>sluice benchmark</h1>',
    `<p class="meta">${esc(results.quick ? 'Quick' : 'Full')} run of ${esc(results.date)}, ` +
      `${esc(fmtDuration(results.durationMs))}${results.only ? `, only ${esc(results.only.join(', '))}` : ''}.<br>` +
      `${m.cpus.count} × ${esc(m.cpus.model)}, ${Math.round(m.totalMemoryMb / 1024)} GB RAM, ${esc(m.os)} ` +
      `(${esc(m.arch)}), Node ${esc(m.node)}, commit <code>${esc(m.commit)}</code>.<br>` +
      'Each row ran sluice (no-op in-process handler) and the best raw loop with the same client library side by ' +
      'side on the same server; throughput = median of the rounds with their min–max below it; ratio = sluice / ' +
      'raw median, target ≥ 0.9. CPU % (of one core) and peak RSS (VmHWM) are of the benchmark process while ' +
      'that side ran.</p>',
  ];
  if (failed.length > 0) {
    body.push(
      `<div class="failed"><strong>${failed.length} scenario(s) failed:</strong><ul>` +
        failed.map((s) => `<li><code>${esc(s.id)}</code>: ${esc(s.error ?? 'unknown error')}</li>`).join('') +
        '</ul></div>',
    );
  }
  const summary = summaryHtml(results.rows);
  if (summary) body.push('<h2>Summary: each source against its raw client</h2>', summary);
  const ratio = ratioChart(results.rows);
  if (ratio) body.push(ratio);
  for (const [group, rows] of groups) {
    if (isScaleGroup(group)) continue;
    body.push(`<h2>${esc(groupTitle(group))}</h2>`, throughputChart(group, rows));
    const lat = latencyChart(group, rows);
    if (lat) body.push(lat);
  }
  for (const [group, rows] of groups) {
    if (!isScaleGroup(group)) continue;
    body.push(`<h2>${esc(groupTitle(group))}</h2>`, ...scaleCharts(group, rows));
  }
  body.push('<h2>All rows</h2>', tableHtml(results.rows));
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>sluice benchmark ${esc(results.date)}</title><style>${CSS}</style></head>\n<body>\n` +
    `${body.join('\n')}\n</body></html>\n`
  );
}
