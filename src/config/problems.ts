import { SluiceError } from '../ports/errors.js';

/** One thing wrong with a config, at a path like `eventSourceMappings[0].BatchSize` and its place in the file. */
export interface Problem {
  path: string;
  message: string;
  severity?: 'error' | 'warning';
  /** 1-based line and column of the offending value (or of the nearest enclosing one that exists). */
  line?: number;
  column?: number;
}

export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem: `  file:line:column: error: path: message` (editors and terminals link the place). */
export function formatProblems(problems: readonly Problem[], file?: string): string {
  return problems
    .map((p) => {
      const at = file !== undefined && p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}: ` : '';
      return `  ${at}${p.severity === 'warning' ? 'warning' : 'error'}: ${p.path}: ${p.message}`;
    })
    .join('\n');
}

export class ConfigError extends SluiceError {
  readonly problems: Problem[];
  constructor(file: string, problems: Problem[]) {
    super('InvalidConfig', `invalid config ${file}:\n${formatProblems(problems, file)}`);
    this.problems = problems;
  }
}
