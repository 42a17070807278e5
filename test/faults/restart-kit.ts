// The shape every broker-restart and SIGKILL scenario shares: a steady producer that retries until the broker
// acknowledges (only acknowledged records count as produced), a fault once the service is busy, and the audit
// once every produced id was handled (or the time is up: the audit names what is missing).
import { readRecords, steadyLoad, until, type HandledLine } from './harness.js';

export interface LoadPlan {
  count: number;
  perSecond: number;
  /** Sends record `id`; throws when the broker did not acknowledge it (it is retried). */
  send: (id: string, i: number) => Promise<void>;
  idPrefix: string;
}

export interface LoadRun {
  produced: string[];
  /** Records whose send failed at least once (broker down) and was retried. */
  retried: () => number;
  done: Promise<void>;
}

export function startLoad(plan: LoadPlan): LoadRun {
  const produced: string[] = [];
  const retried = new Set<string>();
  const done = steadyLoad(plan.perSecond, plan.count, async (i) => {
    const id = `${plan.idPrefix}${i}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await plan.send(id, i);
        produced.push(id);
        return;
      } catch (err) {
        retried.add(id);
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
  return { produced, retried: () => retried.size, done };
}

export async function handledAtLeast(log: string, n: number, timeoutMs = 60_000): Promise<void> {
  await until(() => (readRecords(log).length >= n ? true : undefined), timeoutMs, `${n} records handled`);
}

/** When every id of `produced` (and of `extra`) was handled; undefined on timeout. */
export async function allHandled(
  log: string,
  produced: string[],
  timeoutMs: number,
  accounted: () => Promise<Set<string>> = () => Promise.resolve(new Set()),
): Promise<number | undefined> {
  return until(
    async () => {
      const handled = new Set(readRecords(log).map((h: HandledLine) => h.id));
      const other = await accounted();
      return produced.every((id) => handled.has(id) || other.has(id)) ? Date.now() : undefined;
    },
    timeoutMs,
    'every record accounted for',
  ).catch(() => undefined);
}
