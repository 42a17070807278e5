// Pure backoff functions. Randomness is injected so tests are deterministic.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  /** No delay ever exceeds this. */
  maxMs: number;
}

/** Uniform random number in [0, 1), like Math.random. */
export type Rng = () => number;

/** Capped exponential ceiling for retry number `attempt` (1 = first retry): base * 2^(attempt-1), at most maxMs. */
export function exponentialCeilingMs(attempt: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(attempt));
  // Cap the exponent so 2^n never overflows to Infinity before the min().
  const raw = policy.baseMs * 2 ** Math.min(n - 1, 52);
  return Math.max(0, Math.min(policy.maxMs, raw));
}

/** "Full jitter": a uniform delay between 0 and the capped exponential ceiling (AWS architecture blog). */
export function fullJitterBackoffMs(attempt: number, policy: BackoffPolicy, rng: Rng): number {
  const ceiling = exponentialCeilingMs(attempt, policy);
  const r = Math.min(Math.max(rng(), 0), 1);
  return Math.floor(r * ceiling);
}
