import { SluiceError } from '../ports/errors.js';

/** One thing wrong with a config, at a JSON path like `eventSourceMappings[0].BatchSize`. */
export interface Problem {
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  ${p.severity === 'warning' ? 'warning' : 'error'}: ${p.path}: ${p.message}`).join('\n');
}

export class ConfigError extends SluiceError {
  readonly problems: Problem[];
  constructor(file: string, problems: Problem[]) {
    super('InvalidConfig', `invalid config ${file}:\n${formatProblems(problems)}`);
    this.problems = problems;
  }
}
