import { formatPath, type Problem } from './problems.js';

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${env:NAME}` in every string of a parsed JSON value. A missing variable is a problem at the
 * string's path (never an empty string in its place), once per string, and its path goes in `missingAt` so the
 * loader can leave out what depends on it. Values are not logged: they may be secrets.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: Problem[],
  at: PropertyKey[] = [],
  missingAt: PropertyKey[][] = [],
): unknown {
  if (typeof value === 'string') {
    const unset: string[] = [];
    const out = value.replace(ENV_REF, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) unset.push(name);
      return v ?? '';
    });
    if (unset.length > 0) {
      const names = [...new Set(unset)];
      const message =
        names.length === 1
          ? `environment variable ${names[0]} is not set`
          : `environment variables ${names.join(', ')} are not set`;
      problems.push({ path: formatPath(at), message });
      missingAt.push(at);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, [...at, i], missingAt));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, problems, [...at, k], missingAt);
    return out;
  }
  return value;
}
