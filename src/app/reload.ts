// Config reload while sluice runs (--watch, SIGHUP): functions and mappings added, changed or removed are applied
// one by one; what needs a restart is reported and left as it was. The running config object is updated in place,
// so every part holding it (the mapping catalog and routes, the supervisor) sees the new functions, mappings and
// connections. The API's mappings (MappingCatalog) are not the file's and are left alone.
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import type { CompiledFunction } from '../config/compile-function.js';
import type { Logger } from '../ports/logger.js';
import type { Functions } from './functions.js';
import type { MappingSupervisor } from './mapping-supervisor.js';
import type { MappingStateBoard } from './mapping-view.js';

export interface ReloadTarget {
  /** The config the parts were built with; changed in place. */
  config: CompiledConfig;
  functions: Functions;
  supervisor: MappingSupervisor;
  board: MappingStateBoard;
  graceMs: number;
  logger: Logger;
}

/** Settings read once at start: a change is reported and not applied. */
const RESTART_KEYS = [
  'server',
  'state',
  'region',
  'accountId',
  'logLevel',
  'accountConcurrency',
  'requestsPerSecondPerConcurrency',
  'memorySources',
  'memoryQueues',
  'tuning',
  'runtimes',
] as const satisfies ReadonlyArray<keyof CompiledConfig>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Applies `next` (already loaded and compiled without problems); logs one line per change. */
export async function applyConfig(t: ReloadTarget, next: CompiledConfig): Promise<void> {
  const { config, functions, supervisor, logger } = t;
  for (const key of RESTART_KEYS) {
    if (!same(config[key], next[key])) logger.warn({ setting: key }, 'config change needs a restart; left as it was');
  }
  const before = new Map(config.functions);
  // A mapping carries its resolved connection, so a changed connection shows as a changed mapping below.
  // In place: parts built at start hold copies of the config object that share this record.
  for (const name of Object.keys(config.connections)) Reflect.deleteProperty(config.connections, name);
  Object.assign(config.connections, next.connections);

  // Functions first, so that a new mapping finds its function; removed ones after their mappings stopped.
  for (const fn of next.functions.values()) {
    const old = before.get(fn.name);
    if (old !== undefined && same(old, fn)) continue;
    config.functions.set(fn.name, fn);
    functions.put(fn);
    if (old?.reservedConcurrency !== fn.reservedConcurrency) {
      try {
        functions.invoker.setReservedConcurrency(fn.name, fn.reservedConcurrency);
      } catch (err) {
        logger.warn({ err, function: fn.name }, 'reserved concurrency not changed');
      }
    }
    // The file's EventInvokeConfig, when it gives one, replaces the running one.
    if (fn.async.configured && !same(old?.async, fn.async))
      functions.setEventInvokeConfig(fn.name, {
        maximumRetryAttempts: fn.async.maximumRetryAttempts,
        maximumEventAgeMs: fn.async.maximumEventAgeMs,
        onSuccess: fn.async.onSuccess,
        onFailure: fn.async.onFailure,
        lastModifiedMs: Date.now(),
      });
    logger.info(
      { function: fn.name },
      old === undefined ? 'function added' : 'function changed; new code and settings',
    );
  }

  const nextByUuid = new Map(next.mappings.map((m) => [m.uuid, m]));
  const mappingChanged = (a: CompiledMapping, b: CompiledMapping): boolean => !same(a, b);
  for (const m of [...config.mappings]) {
    const n = nextByUuid.get(m.uuid);
    if (n !== undefined && !mappingChanged(m, n)) continue;
    // Polling stops and in-flight batches finish (and checkpoint) before the mapping goes or restarts.
    await supervisor.remove(m.uuid, t.graceMs, n === undefined ? 'Deleting' : 'Updating');
    if (n === undefined) {
      t.board.delete(m.uuid);
      logger.info({ mapping: m.uuid, function: m.functionName }, 'mapping removed');
    }
  }
  const running = new Map(config.mappings.map((m) => [m.uuid, m]));
  config.mappings.splice(0, config.mappings.length, ...next.mappings);
  for (const n of next.mappings) {
    const m = running.get(n.uuid);
    if (m !== undefined && !mappingChanged(m, n)) continue;
    if (n.enabled) await supervisor.add(n, m === undefined ? 'Creating' : 'Updating');
    else t.board.set(n.uuid, 'Disabled');
    logger.info(
      { mapping: n.uuid, function: n.functionName, source: n.eventSourceArn },
      m === undefined ? 'mapping added' : 'mapping changed; restarted under its UUID (positions kept)',
    );
  }

  for (const name of before.keys()) {
    if (next.functions.has(name)) continue;
    config.functions.delete(name);
    functions.remove(name);
    functions.invoker.removeFunction(name);
    logger.info({ function: name }, 'function removed');
  }
}

/** New invocations of the function load its code again; in-flight ones finish on the old environments. */
export function reloadCode(t: Pick<ReloadTarget, 'config' | 'functions' | 'logger'>, name: string): void {
  const fn: CompiledFunction | undefined = t.config.functions.get(name);
  if (fn === undefined) return;
  t.functions.put(fn);
  t.logger.info({ function: name }, 'handler code changed; new environments load it');
}
