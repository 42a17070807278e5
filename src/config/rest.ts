// After the first problems of a config, the cross-field problems of what is still valid, so every independent
// problem shows at once, and none that follows from one already reported (one root cause, one error).
import { connectors } from '../../connectors/index.js';
import { compileConfig } from './compile.js';
import type { Problem } from './problems.js';
import { configSchema, type Connection } from './schema.js';

const PLACEHOLDER_FUNCTION = { Handler: 'placeholder.handler' };
/** The connection types there are (a connector with a connection schema). */
const KINDS = new Set(connectors.filter((c) => c.connectionSchema !== undefined).map((c) => c.kind));

/** Where each first problem sits: the function, mapping, connection or top-level section it invalidates. */
function badParts(paths: ReadonlyArray<ReadonlyArray<PropertyKey>>) {
  const functions = new Set<string>();
  const mappings = new Set<number>();
  const connections = new Set<string>();
  const sections = new Set<string>();
  for (const [top, second] of paths) {
    if (top === 'functions' && typeof second === 'string') functions.add(second);
    else if (top === 'eventSourceMappings' && typeof second === 'number') mappings.add(second);
    else if (top === 'connections' && typeof second === 'string') connections.add(second);
    else if (typeof top === 'string') sections.add(top);
  }
  return { functions, mappings, connections, sections };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Compiles the rest of a config whose values at `paths` are wrong (schema issues, missing variables): invalid
 * functions and connections become placeholders, so references to them still resolve and say nothing more;
 * invalid mappings and top-level sections are left out (sections take their defaults).
 */
export function crossFieldProblemsOfRest(
  raw: unknown,
  paths: ReadonlyArray<ReadonlyArray<PropertyKey>>,
  file: string,
): Problem[] {
  if (!isRecord(raw)) return [];
  const bad = badParts(paths);
  const rest = { ...raw };
  for (const section of bad.sections) delete rest[section];
  if (isRecord(rest.functions))
    rest.functions = Object.fromEntries(
      Object.entries(rest.functions).map(([k, v]) => [k, bad.functions.has(k) ? PLACEHOLDER_FUNCTION : v]),
    );
  // A placeholder connection keeps only its type (else its name's, as in "sqs": {...}): it is put in after the
  // schema, which it would not pass. Without a type, what names it is left unchecked.
  const placeholders: Record<string, Connection> = {};
  const untyped = new Set<string>();
  if (isRecord(rest.connections)) {
    const connections = { ...rest.connections };
    for (const name of bad.connections) {
      const raw = (connections[name] as { type?: unknown } | undefined)?.type;
      const type = [raw, name].find((t): t is string => typeof t === 'string' && KINDS.has(t));
      if (type !== undefined) placeholders[name] = { type };
      else untyped.add(name);
      delete connections[name];
    }
    rest.connections = connections;
  }
  const indexes: number[] = [];
  if (Array.isArray(rest.eventSourceMappings))
    rest.eventSourceMappings = rest.eventSourceMappings.filter((_m, i) => {
      if (bad.mappings.has(i)) return false;
      indexes.push(i);
      return true;
    });
  const parsed = configSchema.safeParse(rest);
  if (!parsed.success) return [];
  Object.assign(parsed.data.connections, placeholders);
  const reported = [
    ...[...bad.functions].map((f) => `functions.${f}`),
    ...[...bad.connections].map((c) => `connections.${c}`),
  ];
  return compileConfig(parsed.data, file, indexes).problems.filter(
    (p) =>
      p.severity !== 'warning' &&
      !reported.some((r) => p.path === r || p.path.startsWith(`${r}.`)) &&
      !(
        isAboutConnections(p) &&
        (bad.sections.has('connections') || [...untyped].some((n) => p.message.includes(`"${n}"`)))
      ) &&
      !(bad.sections.has('functions') && /^no function /.test(p.message)),
  );
}

/** A problem that a missing or broken connection causes: every reference names its connection in these words. */
function isAboutConnections(p: Problem): boolean {
  return (
    /(^|\.)Connection$|^state\.connection$/.test(p.path) || /needs a connection|connection of type/.test(p.message)
  );
}
