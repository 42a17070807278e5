// Number formatting shared by the text table and the HTML report.

const finite = (n: number | undefined): n is number => n !== undefined && n !== null && Number.isFinite(n);

/** Throughput: thousands separators, one decimal below 100. */
export function fmtRate(n: number | undefined): string {
  if (!finite(n)) return '-';
  return n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US');
}

/** Milliseconds with precision that suits their size (0.21, 4.9, 87). */
export function fmtMs(n: number | undefined): string {
  if (!finite(n)) return '-';
  if (n < 10) return n.toFixed(2);
  if (n < 100) return n.toFixed(1);
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRatio(n: number | undefined): string {
  return finite(n) ? n.toFixed(2) : '-';
}

export function fmtFixed(n: number | undefined, digits = 0): string {
  return finite(n) ? n.toFixed(digits) : '-';
}

export function fmtDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A rate in 3–4 characters (950, 28.1k, 1.2M), for spreads next to the full figure. */
export function fmtCompact(n: number | undefined): string {
  if (!finite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return fmtRate(n);
}

/** min–max of a side's rounds ("27.9k–31.2k"); '-' for a single round or none. */
export function fmtSpread(s: { min: number; max: number; rounds: number } | undefined): string {
  if (s === undefined || s.rounds < 2) return '-';
  return `${fmtCompact(s.min)}–${fmtCompact(s.max)}`;
}
