// Time is injected so engine tests can run on a fake clock.
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node timers overflow past 2^31-1 ms (they fire after 1 ms instead): every configured duration stays below it. */
export const MAX_TIMER_MS = 2_147_483_647;
