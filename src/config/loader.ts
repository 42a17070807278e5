// Config loading in stages: raw JSON → ${env:} substituted → validated with defaults (schema.ts) →
// compiled (compile.ts). Every problem is collected with its JSON path before anything connects.
import { readFile } from 'node:fs/promises';
import { compileConfig, type CompiledConfig } from './compile.js';
import { substituteEnv } from './env.js';
import { ConfigError, formatPath, type Problem } from './problems.js';
import { configSchema } from './schema.js';

export interface LoadResult {
  config?: CompiledConfig;
  problems: Problem[];
  warnings: Problem[];
}

/** Deeper than any real config; the later stages recurse, and a deeper value would overflow the stack. */
export const MAX_CONFIG_DEPTH = 64;

/** The path of the first value nested deeper than `max`, found without recursion. */
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

function parseJson(text: string): { value?: unknown; problem?: Problem } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    return { problem: { path: '(root)', message: `not valid JSON: ${(err as Error).message}` } };
  }
  const deep = tooDeep(value, MAX_CONFIG_DEPTH);
  if (deep !== undefined)
    return { problem: { path: formatPath(deep), message: `nested deeper than ${MAX_CONFIG_DEPTH} levels` } };
  return { value };
}

const PLACEHOLDER_FUNCTION = { Handler: 'placeholder.handler' };

/**
 * After schema errors, compile what is valid so cross-field problems show in the same report: invalid
 * functions become placeholders (so references to them still resolve), invalid mappings and top-level
 * sections are left out.
 */
function crossFieldProblemsOfRest(
  raw: unknown,
  issues: ReadonlyArray<{ path: PropertyKey[] }>,
  file: string,
): Problem[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const rest = { ...(raw as Record<string, unknown>) };
  const badFunctions = new Set<string>();
  const badMappings = new Set<number>();
  for (const { path } of issues) {
    const [top, second] = path;
    if (top === 'functions' && typeof second === 'string') badFunctions.add(second);
    else if (top === 'eventSourceMappings' && typeof second === 'number') badMappings.add(second);
    else if (typeof top === 'string') delete rest[top];
  }
  if (rest.functions !== undefined && typeof rest.functions === 'object' && rest.functions !== null)
    rest.functions = Object.fromEntries(
      Object.entries(rest.functions).map(([k, v]) => [k, badFunctions.has(k) ? PLACEHOLDER_FUNCTION : v]),
    );
  const indexes: number[] = [];
  if (Array.isArray(rest.eventSourceMappings))
    rest.eventSourceMappings = rest.eventSourceMappings.filter((_m, i) => {
      if (badMappings.has(i)) return false;
      indexes.push(i);
      return true;
    });
  const parsed = configSchema.safeParse(rest);
  if (!parsed.success) return [];
  return compileConfig(parsed.data, file, indexes).problems.filter(
    (p) => p.severity !== 'warning' && ![...badFunctions].some((f) => p.path.startsWith(`functions.${f}`)),
  );
}

/** Validate config text; never throws for bad input, returns every problem instead. */
export function loadConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const { value, problem } = parseJson(text);
  if (problem) return { problems: [problem], warnings: [] };
  const problems: Problem[] = [];
  const substituted = substituteEnv(value, env, problems);
  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success) {
    // A string whose variable is missing also fails its format check: report only the cause.
    const missing = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      if (!missing.has(path)) problems.push({ path, message: issue.message });
    }
    problems.push(...crossFieldProblemsOfRest(substituted, parsed.error.issues, file));
    return { problems, warnings: [] };
  }
  if (problems.length > 0) return { problems, warnings: [] };
  const compiled = compileConfig(parsed.data, file);
  const errors = compiled.problems.filter((p) => p.severity !== 'warning');
  const warnings = compiled.problems.filter((p) => p.severity === 'warning');
  return { config: errors.length === 0 ? compiled.config : undefined, problems: errors, warnings };
}

export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` }], warnings: [] };
  }
  return loadConfigText(text, file, env);
}

/** Load or throw a ConfigError listing every problem. */
export async function loadConfigOrThrow(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  const result = await loadConfigFile(file, env);
  if (result.config === undefined) throw new ConfigError(file, result.problems);
  return result;
}
