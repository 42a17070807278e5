// Bounded waits for the composition root: a probe that must answer in time, and a shutdown step that must not
// hold the process when what it waits for (a broker, the state store) is down or hung.

/** Node's longest timer; a longer delay (or Infinity) would fire after 1 ms with a TimeoutOverflowWarning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Rejects when `p` has not settled within `ms`; a wait longer than any timer (Infinity: no deadline) is no wait. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  if (!(ms <= MAX_TIMER_MS)) return p;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Whether `p` settled (resolved or rejected) within `ms`; it is left running either way. */
export async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withTimeout(
      p.catch(() => undefined),
      Math.max(0, ms),
    );
    return true;
  } catch {
    return false;
  }
}
