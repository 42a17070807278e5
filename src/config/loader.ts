// Config loading in stages: text (JSONC or YAML, source-text.ts) → ${env:} substituted → validated with defaults
// (schema.ts) → compiled (compile.ts). Every problem is collected with its path and line:column before anything
// connects, and each root cause is reported once.
import { readFile } from 'node:fs/promises';
import { compileConfig, type CompiledConfig } from './compile.js';
import { substituteEnv } from './env.js';
import { handlerFileProblems } from './handler-files.js';
import { ConfigError, formatPath, type Problem } from './problems.js';
import { crossFieldProblemsOfRest } from './rest.js';
import { configSchema } from './schema.js';
import { formatOf, MAX_CONFIG_DEPTH, parseSourceText, segmentsOf, type SourceText } from './source-text.js';

export { MAX_CONFIG_DEPTH } from './source-text.js';

export interface LoadOptions {
  /** Also check that each nodejs function's Handler names a module file (`sluice validate`). */
  handlerFiles?: boolean;
}

export interface LoadResult {
  config?: CompiledConfig;
  problems: Problem[];
  warnings: Problem[];
}

/** The path of the first value nested deeper than `max`, found without recursion (YAML aliases nest too). */
function tooDeep(value: unknown, max: number): PropertyKey[] | undefined {
  const stack: Array<{ v: unknown; at: PropertyKey[] }> = [{ v: value, at: [] }];
  while (stack.length > 0) {
    const { v, at } = stack.pop() as { v: unknown; at: PropertyKey[] };
    if (v === null || typeof v !== 'object') continue;
    if (at.length >= max) return at;
    for (const [k, child] of Object.entries(v)) stack.push({ v: child, at: [...at, Array.isArray(v) ? Number(k) : k] });
  }
  return undefined;
}

/** The problem with the line:column of its value (an unknown key: of the key itself). */
function located(source: SourceText, p: Problem, segments = segmentsOf(p.path), key?: string): Problem {
  return p.line !== undefined ? p : { ...p, ...source.locate(segments, key) };
}

/** Validate config text; never throws for bad input, returns every problem instead. */
export function loadConfigText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): LoadResult {
  const source = parseSourceText(text, formatOf(file));
  if (source.problem) return { problems: [source.problem], warnings: [] };
  const deep = tooDeep(source.value, MAX_CONFIG_DEPTH);
  if (deep !== undefined) {
    const problem = { path: formatPath(deep), message: `nested deeper than ${MAX_CONFIG_DEPTH} levels` };
    return { problems: [located(source, problem, deep)], warnings: [] };
  }
  const problems: Problem[] = [];
  const missingAt: PropertyKey[][] = [];
  const substituted = substituteEnv(source.value, env, problems, [], missingAt);
  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success || problems.length > 0) {
    const issues = parsed.success ? [] : parsed.error.issues;
    // A string whose variable is missing also fails its format check: report only the cause.
    const missing = new Set(problems.map((p) => p.path));
    const out = problems.map((p) => located(source, p));
    for (const issue of issues) {
      const path = formatPath(issue.path);
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      if (!missing.has(path)) out.push(located(source, { path, message: issue.message }, issue.path, key));
    }
    const rest = crossFieldProblemsOfRest(substituted, [...missingAt, ...issues.map((i) => i.path)], file);
    return { problems: [...out, ...rest.map((p) => located(source, p))], warnings: [] };
  }
  const compiled = compileConfig(parsed.data, file);
  if (options.handlerFiles === true && compiled.config !== undefined)
    compiled.problems.push(...handlerFileProblems(compiled.config));
  const errors = compiled.problems.filter((p) => p.severity !== 'warning').map((p) => located(source, p));
  const warnings = compiled.problems.filter((p) => p.severity === 'warning').map((p) => located(source, p));
  return { config: errors.length === 0 ? compiled.config : undefined, problems: errors, warnings };
}

export async function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` }], warnings: [] };
  }
  return loadConfigText(text, file, env, options);
}

/** Load or throw a ConfigError listing every problem. */
export async function loadConfigOrThrow(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  const result = await loadConfigFile(file, env);
  if (result.config === undefined) throw new ConfigError(file, result.problems);
  return result;
}
