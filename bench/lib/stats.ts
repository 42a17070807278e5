// How a row turns its rounds into one figure: the median, with the spread (min–max) printed next to it so a lucky
// or starved round can neither flatter nor handicap a side unseen.
import type { Spread } from './types.js';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length / 2;
  return s.length % 2 === 1 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** min and max of the rounds and how many there were; NaN bounds when there are none. */
export function spreadOf(xs: readonly number[]): Spread {
  if (xs.length === 0) return { min: Number.NaN, max: Number.NaN, rounds: 0 };
  return { min: Math.min(...xs), max: Math.max(...xs), rounds: xs.length };
}

/** A side's throughput from its rounds: the median, and the spread. */
export const fromRounds = (rates: readonly number[]): { throughput: number; spread: Spread } => ({
  throughput: median(rates),
  spread: spreadOf(rates),
});

/**
 * The round whose rate is the median (the lower middle one of an even count): its CPU and RSS go with the median
 * rate, where the best round's would go with the luckiest one.
 */
export function medianRound<T extends { rate: number }>(runs: readonly T[]): T | undefined {
  const sorted = [...runs].sort((a, b) => a.rate - b.rate);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
