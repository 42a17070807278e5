// The core's one way to wait: sleep on the injected clock until a deadline, a wake-up or an abort, without a
// rejected promise to catch at every call site.
import type { Clock } from '../../ports/clock.js';

/** Sleeps on the injected clock; an abort ends the sleep early instead of throwing. */
export async function sleepQuietly(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  try {
    await clock.sleep(Math.max(0, ms), signal);
  } catch {
    // Aborted: the caller checks its signal.
  }
}

/** How a loop in the core retries in process: backoff on the injected clock, ended early by a stop. */
export interface RetryLoop {
  clock: Clock;
  /** Wait before the next try after `failures` failed ones. */
  delayMs(failures: number): number;
  /** Ends a backoff wait early (a stop was requested). */
  signal: AbortSignal;
  /** A stop ends the retries. */
  stopped(): boolean;
}

const WOKEN = Symbol('woken');

/** A wake-up flag with a timed wait; a notify before the wait is not lost. */
export class Waker {
  private pending = false;
  private wake: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Forgets a notify that arrived before the next wait (the caller wants the whole wait, e.g. an error backoff). */
  clear(): void {
    this.pending = false;
  }

  /** Resolves after `ms` (Infinity = only on notify or abort), on notify, or on abort. */
  async wait(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    // Only a timed wait needs a controller (to cancel its timer): a shard worker waits once per batch, mostly
    // without a deadline, and a controller made and aborted each time was 6 % of the engine's CPU.
    const timer = Number.isFinite(ms) ? new AbortController() : undefined;
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = () => resolve();
      this.wake = wake;
      signal?.addEventListener('abort', wake, { once: true });
    });
    try {
      await (timer ? Promise.race([woken, sleepQuietly(clock, ms, timer.signal)]) : woken);
    } finally {
      this.wake = undefined;
      this.pending = false;
      // With a reason, abort() does not build a DOMException (and its stack) on every wait.
      timer?.abort(WOKEN);
      signal?.removeEventListener('abort', wake);
    }
  }
}

/** Whether `work` settles within `ms` on the clock; it keeps running either way. */
export async function settledWithin(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  const ctl = new AbortController();
  let settled = false;
  const done = work.then(
    () => (settled = true),
    () => (settled = true),
  );
  await Promise.race([done, sleepQuietly(clock, ms, ctl.signal)]);
  ctl.abort(WOKEN);
  return settled;
}

/** Waits for `work` to settle; if it is still running after `ms`, calls `onTimeout` (which should end it). */
export async function settleWithin(
  clock: Clock,
  work: Promise<unknown>,
  ms: number,
  onTimeout: () => void,
): Promise<void> {
  if (await settledWithin(clock, work, ms)) return;
  onTimeout();
  await work.catch(() => undefined);
}
