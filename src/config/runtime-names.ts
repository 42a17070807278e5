// Lambda's runtime identifiers (FN-8) in a config file: those sluice has a runtime kind for are aliases of it, so
// values copied from SAM/CloudFormation (`Runtime: nodejs22.x`) load; others get an error naming what is supported.

/** sluice's runtime kinds (src/runtimes) as the config names them; Runtime API runtimes use Lambda's names (#19). */
export const RUNTIME_KINDS = [
  'nodejs',
  'http',
  'lambda',
  'provided.al2023',
  'provided.al2',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'java21',
  'java17',
] as const;
export type ConfigRuntimeKind = (typeof RUNTIME_KINDS)[number];

/** Supported Lambda Node.js runtimes (FN-8); sluice runs their handlers on its own Node 24. */
const ALIASES: Readonly<Record<string, ConfigRuntimeKind>> = {
  'nodejs24.x': 'nodejs',
  'nodejs22.x': 'nodejs',
  'nodejs20.x': 'nodejs',
};

export const RUNTIME_NAMES = [...RUNTIME_KINDS, ...Object.keys(ALIASES)] as [string, ...string[]];

export function runtimeKindOf(name: string): ConfigRuntimeKind {
  return ALIASES[name] ?? (name as ConfigRuntimeKind);
}

const SUPPORTED = `nodejs (or ${Object.keys(ALIASES).join(', ')}), provided.al2023, provided.al2, python3.10-3.14, java21, java17, http or lambda`;

/** Why a Runtime value is refused: a retired Node.js runtime, another language, or not a runtime at all. */
export function runtimeNameProblem(input: unknown): string {
  if (typeof input !== 'string') return `must be one of ${SUPPORTED}`;
  if (/^nodejs\d/.test(input))
    return `"${input}" is not a supported Lambda runtime (retired, or not yet released): use ${Object.keys(ALIASES).join(', ')} (sluice runs Node.js handlers on Node 24)`;
  if (/^(python|java|dotnet|ruby|go|provided)/.test(input))
    return `"${input}": a config file's functions run as ${SUPPORTED}; run other languages behind Runtime http (Url) or on a Lambda-API endpoint (Runtime lambda)`;
  return `"${input}" is not a runtime: use ${SUPPORTED}`;
}
