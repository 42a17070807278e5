// Minimal SVG building blocks for the self-contained report: escaping, "nice" axis ticks, and two chart kinds
// (horizontal grouped bars, lines). No xmlns attribute: the SVG is inline in HTML5, which needs none (and the
// report then holds no URL at all).

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Round tick values from 0 (or min) to at least max: 1, 2, 2.5, 5 × 10^k steps. */
export function niceTicks(max: number, count = 5, min = 0): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min, min + 1];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let t = start; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Values spanning about two decades read better on a log axis (a linear one flattens the small ones to 0). */
export function spansDecades(values: number[]): boolean {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) >= 50;
}

/** Powers of ten around [min, max], for a log axis. */
export function decadeTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

export function tickLabel(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${num(n / 1e6)}M`;
  if (a >= 1e3) return `${num(n / 1e3)}k`;
  return a > 0 && a < 1 ? String(Number(n.toPrecision(2))) : num(n);
}

export interface Series {
  name: string;
  color: string;
}

export interface BarCategory {
  label: string;
  /** One value per series, in series order; undefined = no bar. */
  values: Array<number | undefined>;
}

export interface BarChartSpec {
  title: string;
  unit: string;
  series: Series[];
  categories: BarCategory[];
  /** A vertical reference line, e.g. the 0.9 ratio target. */
  reference?: { value: number; label: string };
  valueLabel?: (n: number) => string;
  /** Log value axis; by default when the values span decades. */
  log?: boolean;
}

const font = (size = 11): string => `font-family="system-ui, sans-serif" font-size="${size}"`;
const FONT = font();

function legend(series: Series[], x: number, y: number): string {
  let at = x;
  return series
    .map((s) => {
      const item =
        `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${s.color}"/>` +
        `<text x="${at + 14}" y="${y}" ${FONT}>${esc(s.name)}</text>`;
      at += 24 + s.name.length * 6.5;
      return item;
    })
    .join('');
}

/** Horizontal bars, one group of bars per category: scales to any number of rows without crowding labels. */
export function barChart(spec: BarChartSpec): string {
  const width = 820;
  const labelW = 260;
  const plotW = width - labelW - 80;
  const barH = 11;
  const groupH = spec.series.length * barH + 8;
  const top = 48;
  const height = top + spec.categories.length * groupH + 34;
  const values = spec.categories.flatMap((c) => c.values).filter((v): v is number => v !== undefined && v >= 0);
  const log = spec.log ?? spansDecades(values);
  const pos = values.filter((v) => v > 0);
  const ticks = log
    ? decadeTicks(Math.min(...pos), Math.max(...pos, spec.reference?.value ?? 0))
    : niceTicks(Math.max(...values, spec.reference?.value ?? 0, 0));
  const [lo, hi] = [ticks[0] ?? 0, ticks[ticks.length - 1] ?? 1];
  const x = log
    ? (v: number) => labelW + (Math.max(0, Math.log10(Math.max(v, lo) / lo)) / Math.log10(hi / lo || 10)) * plotW
    : (v: number) => labelW + (Math.max(0, v) / hi) * plotW;
  const fmt = spec.valueLabel ?? tickLabel;
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
    `<title>${esc(spec.title)}</title>`,
    `<text x="0" y="16" ${font(14)} font-weight="600">${esc(spec.title)}</text>`,
    legend(spec.series, labelW, 36),
  ];
  const plotBottom = top + spec.categories.length * groupH;
  for (const t of ticks) {
    parts.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${plotBottom}" stroke="#ddd"/>`,
      `<text x="${x(t)}" y="${plotBottom + 14}" ${FONT} text-anchor="middle">${esc(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<text x="${labelW + plotW / 2}" y="${plotBottom + 30}" ${FONT} text-anchor="middle">` +
      `${esc(spec.unit)}${log ? ' (log scale)' : ''}</text>`,
  );
  spec.categories.forEach((c, i) => {
    const y0 = top + i * groupH;
    parts.push(
      `<text x="${labelW - 6}" y="${y0 + groupH / 2}" ${FONT} text-anchor="end" dominant-baseline="middle">` +
        `${esc(c.label)}</text>`,
    );
    c.values.forEach((v, s) => {
      if (v === undefined || !Number.isFinite(v)) return;
      const series = spec.series[s];
      const y = y0 + s * barH;
      const w = Math.max(1, x(v) - labelW);
      parts.push(
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${series?.color ?? '#888'}">` +
          `<title>${esc(`${c.label} — ${series?.name ?? ''}: ${fmt(v)}`)}</title></rect>`,
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 3}" ${font(9)}>${esc(fmt(v))}</text>`,
      );
    });
  });
  if (spec.reference) {
    const rx = x(spec.reference.value);
    parts.push(
      `<line class="reference" x1="${rx}" y1="${top - 8}" x2="${rx}" y2="${plotBottom}" stroke="#c00" ` +
        `stroke-dasharray="4 3"/>`,
      `<text x="${rx + 4}" y="${top - 10}" ${FONT} fill="#c00">${esc(spec.reference.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export interface LineSeries extends Series {
  points: Array<[number, number]>;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

export function lineChart(spec: LineChartSpec): string {
  const width = 640;
  const height = 320;
  const left = 64;
  const right = 20;
  const top = 48;
  const bottom = 48;
  const pts = spec.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const xs = pts.map(([a]) => a);
  const ys = pts.map(([, b]) => b);
  // x spanning decades (batch 1 … 10,000) reads better on a log axis.
  const logX = xs.length > 0 && Math.min(...xs) > 0 && spansDecades(xs);
  const xTicks = logX
    ? decadeTicks(Math.min(...xs), Math.max(...xs))
    : niceTicks(Math.max(...xs, 1), 6, Math.min(...xs, 0));
  const logY = spansDecades(ys);
  const yTicks = logY
    ? decadeTicks(Math.min(...ys.filter((v) => v > 0)), Math.max(...ys))
    : niceTicks(Math.max(...ys, 0));
  const scale = logX ? Math.log10 : (v: number) => v;
  const [x0, x1] = [scale(xTicks[0] ?? 0), scale(xTicks[xTicks.length - 1] ?? 1)];
  const [y0, y1] = [yTicks[0] ?? 0, yTicks[yTicks.length - 1] ?? 1];
  const px = (v: number) => left + ((scale(v) - x0) / (x1 - x0 || 1)) * (width - left - right);
  const yFrac = logY
    ? (v: number) => Math.log10(Math.max(v, y0) / y0) / (Math.log10(y1 / y0) || 1)
    : (v: number) => v / (y1 || 1);
  const py = (v: number) => height - bottom - yFrac(v) * (height - top - bottom);
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
    `<title>${esc(spec.title)}</title>`,
    `<text x="0" y="16" ${font(14)} font-weight="600">${esc(spec.title)}</text>`,
    legend(spec.series, left, 36),
  ];
  for (const t of yTicks) {
    parts.push(
      `<line x1="${left}" y1="${py(t)}" x2="${width - right}" y2="${py(t)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(t) + 4}" ${FONT} text-anchor="end">${esc(tickLabel(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<text x="${px(t)}" y="${height - bottom + 16}" ${FONT} text-anchor="middle">${esc(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#888"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 10}" ${FONT} text-anchor="middle">${esc(spec.xLabel)}${logX ? ' (log scale)' : ''}</text>`,
    `<text x="12" y="${(top + height - bottom) / 2}" ${FONT} text-anchor="middle" ` +
      `transform="rotate(-90 12 ${(top + height - bottom) / 2})">${esc(spec.yLabel)}${logY ? ' (log scale)' : ''}</text>`,
  );
  for (const s of spec.series) {
    const ok = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).sort((a, b) => a[0] - b[0]);
    if (ok.length === 0) continue;
    const d = ok.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [a, b] of ok) {
      parts.push(
        `<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="3" fill="${s.color}">` +
          `<title>${esc(`${s.name}: x=${tickLabel(a)}, ${tickLabel(b)}`)}</title></circle>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}
