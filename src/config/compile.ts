// Stage three of config loading: parsed config (with defaults) → compiled config the engine runs on.
// Checks the config-wide rules (auth on non-loopback hosts, state connection, CON-2, duplicate mapping identities);
// each mapping compiles in compile-mapping.ts (shared with the event source mapping API).
import path from 'node:path';
import type { Connection, ParsedConfig } from './schema.js';
import { compileFunction, type CompiledFunction } from './compile-function.js';
import { connectionProblems } from './default-connection.js';
import { acrossMappings, compileMapping, type CompiledMapping } from './compile-mapping.js';
import { isLoopbackAddress } from './net.js';
import type { Problem } from './problems.js';
import { selfDestinationWarnings } from './recursion.js';

export { functionArn, type CompiledFunction } from './compile-function.js';
export type { CompiledMapping } from './compile-mapping.js';

export interface CompiledConfig {
  region: string;
  accountId: string;
  server: ParsedConfig['server'];
  logLevel: ParsedConfig['logLevel'];
  state: ParsedConfig['state'];
  accountConcurrency: number;
  /** CON-1 requests-per-second limit per unit of concurrency (0 = off). */
  requestsPerSecondPerConcurrency: number;
  maxFiltersPerMapping: number;
  memorySources: ParsedConfig['limits']['memorySources'];
  memoryQueues: ParsedConfig['memoryQueues'];
  tuning: ParsedConfig['tuning'];
  /** Execution-environment settings per runtime kind (isolation, bounds). */
  runtimes?: ParsedConfig['runtimes'];
  connections: Record<string, Connection>;
  functions: Map<string, CompiledFunction>;
  mappings: CompiledMapping[];
  /** Directory of the config file: relative paths (CodeUri, Handler) resolve against it. */
  baseDir: string;
}

/**
 * `mappingIndexes` maps each mapping to its position in the file when some were left out (the loader
 * compiles the valid rest of a config that failed schema checks, so every problem shows at once).
 */
export function compileConfig(
  cfg: ParsedConfig,
  configPath: string,
  mappingIndexes?: readonly number[],
): { config?: CompiledConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const loopback = isLoopbackAddress(cfg.server.host) || cfg.server.host.toLowerCase() === 'localhost';
  if (!loopback && cfg.server.auth === undefined)
    problems.push({
      path: 'server.auth',
      message: `required when server.host (${cfg.server.host}) is not a loopback address: set server.auth.bearerTokens or server.auth.accessKeys`,
    });
  if (cfg.state.type === 'redis') {
    const c = cfg.state.connection === undefined ? undefined : cfg.connections[cfg.state.connection];
    if (c?.type !== 'redis')
      problems.push({ path: 'state.connection', message: 'state type redis needs a connection of type redis' });
  }

  problems.push(...connectionProblems(cfg.connections));
  for (const [name, q] of Object.entries(cfg.memoryQueues))
    if (q.RedrivePolicy?.deadLetterTargetArn === `memory://queue/${name}`)
      problems.push({
        path: `memoryQueues.${name}.RedrivePolicy`,
        message: 'a queue cannot be its own dead-letter queue',
      });
  const functions = new Map<string, CompiledFunction>();
  for (const [name, fn] of Object.entries(cfg.functions)) functions.set(name, compileFunction(cfg, name, fn, problems));
  problems.push(...selfDestinationWarnings(functions.values()));
  // CON-2: at least 100 must stay unreserved; an account under 100 keeps its whole limit (OPEN-10).
  const reserved = [...functions.values()].reduce((n, f) => n + (f.reservedConcurrency ?? 0), 0);
  const floor = Math.min(100, cfg.concurrency.accountLimit);
  if (reserved > cfg.concurrency.accountLimit - floor)
    problems.push({
      path: 'functions',
      message: `ReservedConcurrentExecutions add up to ${reserved}; at most accountLimit - ${floor} = ${cfg.concurrency.accountLimit - floor} may be reserved (CON-2)`,
    });

  const context = {
    region: cfg.region,
    accountId: cfg.accountId,
    connections: cfg.connections,
    maxFiltersPerMapping: cfg.limits.maxFiltersPerMapping,
    functions,
    hasFunction: (name: string) => cfg.functions[name] !== undefined,
  };
  const mappings: CompiledMapping[] = [];
  const uuids = new Map<string, { at: string; explicit: boolean }>();
  const places = new Map<CompiledMapping, string>();
  cfg.eventSourceMappings.forEach((m, j) => {
    const i = mappingIndexes?.[j] ?? j;
    const c = compileMapping(
      context,
      m,
      { at: `eventSourceMappings[${i}]`, index: i, count: cfg.eventSourceMappings.length },
      problems,
    );
    if (c === undefined) return;
    const same = uuids.get(c.uuid);
    if (same !== undefined)
      problems.push({
        path: `eventSourceMappings[${i}].UUID`,
        message:
          c.explicitUuid && same.explicit
            ? `duplicate UUID ${c.uuid} (also ${same.at})`
            : `the same function, source and consumer group as ${same.at}, so the same identity ${c.uuid}: give one of them an explicit UUID (positions and consumer groups hang on it)`,
      });
    uuids.set(c.uuid, { at: `eventSourceMappings[${i}]`, explicit: c.explicitUuid });
    places.set(c, `eventSourceMappings[${i}]`);
    mappings.push(c);
  });
  problems.push(...acrossMappings(mappings, places));

  if (problems.some((p) => p.severity !== 'warning')) return { problems };
  return {
    problems,
    config: {
      region: cfg.region,
      accountId: cfg.accountId,
      server: cfg.server,
      logLevel: cfg.logLevel,
      state: cfg.state,
      accountConcurrency: cfg.concurrency.accountLimit,
      requestsPerSecondPerConcurrency: cfg.concurrency.requestsPerSecondPerConcurrency,
      maxFiltersPerMapping: cfg.limits.maxFiltersPerMapping,
      memorySources: cfg.limits.memorySources,
      memoryQueues: cfg.memoryQueues,
      tuning: cfg.tuning,
      runtimes: cfg.runtimes,
      connections: cfg.connections,
      functions,
      mappings,
      baseDir: path.dirname(path.resolve(configPath)),
    },
  };
}
