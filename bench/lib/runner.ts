// Runs the selected scenarios one after another. A scenario that throws or overruns its time limit is recorded as
// failed and the run goes on with the next one.
import type { ScenarioOutcome } from '../report/results.js';
import type { Progress } from './progress.js';
import type { BenchRow, Scenario } from './types.js';

export interface RunOptions {
  quick: boolean;
  progress: Progress;
  /** Per scenario; a hung scenario must not hang the whole run. */
  timeoutMs: number;
}

export interface RunOutcome {
  rows: BenchRow[];
  scenarios: ScenarioOutcome[];
}

/** The scenarios --only names: an exact id, or a prefix family (`scale` picks every `scale-…`). */
export function selectScenarios(all: Scenario[], only: string[] | undefined): Scenario[] {
  if (only === undefined) return all;
  const unknown = only.filter((o) => !all.some((s) => s.id === o || s.id.startsWith(`${o}-`)));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`);
  }
  return all.filter((s) => only.some((o) => s.id === o || s.id.startsWith(`${o}-`)));
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runScenarios(scenarios: Scenario[], opts: RunOptions): Promise<RunOutcome> {
  const rows: BenchRow[] = [];
  const outcomes: ScenarioOutcome[] = [];
  for (const [i, s] of scenarios.entries()) {
    opts.progress.begin(i + 1, scenarios.length, s.id);
    const t0 = performance.now();
    // A scenario that timed out may still be running: its later messages must not land on the next one's line.
    let current = true;
    const progress = (m: string) => {
      if (current) opts.progress.message(m);
    };
    try {
      const got = await withTimeout(
        Promise.resolve().then(() => s.run({ quick: opts.quick, progress })),
        opts.timeoutMs,
        s.id,
      );
      if (got.length === 0) throw new Error('the scenario reported no rows');
      rows.push(...got);
      const durationMs = performance.now() - t0;
      outcomes.push({ id: s.id, title: s.title, ok: true, durationMs: Math.round(durationMs), rows: got.length });
      opts.progress.end(true, `${got.length} row(s)`);
    } catch (err) {
      const durationMs = performance.now() - t0;
      const error = message(err);
      outcomes.push({ id: s.id, title: s.title, ok: false, durationMs: Math.round(durationMs), rows: 0, error });
      opts.progress.end(false, error);
    } finally {
      current = false;
    }
  }
  opts.progress.close();
  return { rows, scenarios: outcomes };
}
