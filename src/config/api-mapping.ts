// CreateEventSourceMapping / UpdateEventSourceMapping fields → a compiled mapping, with the same schema and rules as
// a mapping of the config file (ESMAPI-14: one set of rules), checked against the running config and the mappings
// it already has (KAF-5 consumer groups).
import type { CompiledConfig } from './compile.js';
import { acrossMappings, compileMapping, type CompiledMapping } from './compile-mapping.js';
import { formatPath, type Problem } from './problems.js';
import { mappingSchema } from './schema.js';

/** Lambda's own wording for rules whose message clients and tools match on (ESMAPI-14). */
const LAMBDA_MESSAGES: ReadonlyArray<[RegExp, string]> = [
  [
    /^BatchSize over 10 requires MaximumBatchingWindowInSeconds/,
    'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
  ],
];

function lambdaMessage(p: Problem): string {
  for (const [pattern, message] of LAMBDA_MESSAGES) if (pattern.test(p.message)) return message;
  return p.path === '' ? p.message : `${p.path}: ${p.message}`;
}

/**
 * `fields` in the config file's (= Lambda's) field names, with `UUID` set. Problems come back as the messages an
 * InvalidParameterValueException carries; warnings (non-portable filter operators) are not problems here.
 */
export function compileApiMapping(
  config: CompiledConfig,
  fields: Readonly<Record<string, unknown>>,
  others: readonly CompiledMapping[],
): { mapping?: CompiledMapping; problems: string[] } {
  const parsed = mappingSchema.safeParse(fields);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  const problems: Problem[] = [];
  const context = {
    region: config.region,
    accountId: config.accountId,
    connections: config.connections,
    maxFiltersPerMapping: config.maxFiltersPerMapping,
    functions: config.functions,
    hasFunction: (name: string) => config.functions.has(name),
  };
  const mapping = compileMapping(context, parsed.data, { at: '@', index: 0, count: 1 }, problems);
  if (mapping !== undefined) {
    const places = new Map(others.map((m) => [m, `mapping ${m.uuid}`]));
    places.set(mapping, '@');
    const across = acrossMappings([...others.filter((m) => m.uuid !== mapping.uuid), mapping], places);
    problems.push(...across.filter((p) => p.path.startsWith('@')));
  }
  const errors = problems
    .filter((p) => p.severity !== 'warning')
    .map((p) => ({ ...p, path: p.path.replace(/^@\.?/, '') }))
    .map(lambdaMessage);
  return errors.length > 0 || mapping === undefined ? { problems: errors } : { mapping, problems: [] };
}
