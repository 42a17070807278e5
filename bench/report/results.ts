// The JSON document `npm run bench` writes to bench/results/latest.json: rows plus how and where they were measured.
import { ratioOf, type BenchRow } from '../lib/types.js';

export interface MachineInfo {
  os: string;
  arch: string;
  cpus: { model: string; count: number };
  totalMemoryMb: number;
  node: string;
  /** git HEAD, with "-dirty" when the worktree had changes; "unknown" outside git. */
  commit: string;
}

/** How one scenario went: a failed one has an error and no rows, and the run goes on. */
export interface ScenarioOutcome {
  id: string;
  title: string;
  ok: boolean;
  durationMs: number;
  rows: number;
  error?: string;
}

/** A row as written to JSON: the scenario's row plus the ratio, so readers need not recompute it. */
export type ResultRow = BenchRow & { ratio?: number };

export interface BenchResults {
  version: 1;
  date: string;
  quick: boolean;
  /** The --only selection, absent when every scenario ran. */
  only?: string[];
  durationMs: number;
  machine: MachineInfo;
  scenarios: ScenarioOutcome[];
  rows: ResultRow[];
}

export interface BuildInput {
  date: Date;
  quick: boolean;
  only?: string[];
  durationMs: number;
  machine: MachineInfo;
  scenarios: ScenarioOutcome[];
  rows: BenchRow[];
}

export function buildResults(input: BuildInput): BenchResults {
  return {
    version: 1,
    date: input.date.toISOString(),
    quick: input.quick,
    ...(input.only ? { only: input.only } : {}),
    durationMs: Math.round(input.durationMs),
    machine: input.machine,
    scenarios: input.scenarios,
    rows: input.rows.map((row) => {
      const ratio = ratioOf(row);
      return ratio === undefined ? row : { ...row, ratio };
    }),
  };
}

/** NaN and Infinity (no samples) become null, as JSON has no such numbers. */
export const resultsJson = (results: BenchResults): string => `${JSON.stringify(results, null, 2)}\n`;

export const failedScenarios = (results: BenchResults): ScenarioOutcome[] => results.scenarios.filter((s) => !s.ok);
