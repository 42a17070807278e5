// Pure retry timing for async events (ASY-5, ASY-6); the engine supplies the clock.

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
export const DEFAULT_THROTTLE_BASE_MS = 1_000;
export const DEFAULT_THROTTLE_MAX_MS = 300_000;

/** Wait before the next attempt after the `attemptsUsed`-th function error (1 → 1 min, 2 → 2 min). */
export function functionErrorDelayMs(attemptsUsed: number, delays: readonly number[]): number {
  if (delays.length === 0) return 0;
  const i = Math.min(Math.max(attemptsUsed - 1, 0), delays.length - 1);
  return delays[i] ?? 0;
}

/**
 * Exponential backoff for the event's `retry`-th throttle or system error (1 → base), capped at `max`.
 * A Retry-After hint lengthens the wait but never past the cap.
 */
export function throttleDelayMs(retry: number, baseMs: number, maxMs: number, retryAfterSeconds?: number): number {
  const exp = Math.min(Math.max(retry - 1, 0), 30);
  const backoff = Math.min(baseMs * 2 ** exp, maxMs);
  const hinted = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * 1000, maxMs) : 0;
  return Math.max(backoff, hinted);
}

/** The next attempt is never scheduled past the event's expiry, so EventAgeExceeded fires on time (ASY-7). */
export function nextDueMs(nowMs: number, delayMs: number, expiresAtMs: number): number {
  return Math.min(nowMs + delayMs, expiresAtMs);
}
