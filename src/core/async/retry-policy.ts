// Pure retry timing for async events (ASY-5, ASY-6); the engine supplies the clock.
import { exponentialCeilingMs } from '../retry/backoff.js';

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
  const backoff = exponentialCeilingMs(retry, { baseMs, maxMs });
  const hinted = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * 1000, maxMs) : 0;
  return Math.max(backoff, hinted);
}

/**
 * Whether a retry due `delayMs` after `nowMs` can still start before the event expires. When it cannot, the
 * event fails as EventAgeExceeded right after the attempt, as Lambda does, not at the expiry (ASY-7, ASY-8).
 */
export function retryStartsInTime(nowMs: number, delayMs: number, expiresAtMs: number): boolean {
  return nowMs + delayMs < expiresAtMs;
}
