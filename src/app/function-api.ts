// Wires the read side of the Function API (FN-19..21, FN-28..32) to the functions of the config file: their
// FunctionConfiguration (function-view.ts), reserved concurrency (the invoker's pools, changed live) and tags.
import { pathToFileURL } from 'node:url';
import type { CompiledConfig } from '../config/compile.js';
import type { ExtraRoute } from '../http/server.js';
import { concurrencyRoutes } from '../http/routes/concurrency.js';
import { eventInvokeConfigListRoutes } from '../http/routes/event-invoke-config-list.js';
import { functionReadRoutes } from '../http/routes/functions-read.js';
import { tagRoutes } from '../http/routes/tags.js';
import type { Functions } from './functions.js';
import {
  configuredFunctionFacts,
  listEntry,
  renderFunctionConfiguration,
  type FunctionFacts,
} from './function-view.js';
import type { TagStore } from '../ports/state.js';

export interface FunctionApiDeps {
  config: CompiledConfig;
  functions: Functions;
  /** The state store's: shared by every instance, kept across restarts with Redis. */
  tags: TagStore;
  mappingExists(uuid: string): boolean;
  /** When the service started: LastModified of functions without code files. */
  startedMs: number;
  /** Functions created over the API (src/app/api-functions). */
  created?: CreatedFunctions;
}

export interface CreatedFunctions {
  names(): string[];
  facts(name: string): FunctionFacts | undefined;
  /** Where its package is unpacked on this host, once it runs here. */
  codeDirectory(name: string): string | undefined;
}

export function functionApiRoutes(deps: FunctionApiDeps): ExtraRoute[] {
  const { config, functions, tags } = deps;
  const scope = { region: config.region, accountId: config.accountId };
  const invoker = functions.invoker;
  // An API-created function joins the invoker once Active; until then it has no reservation.
  const reservedOf = (name: string) => (invoker.has(name) ? invoker.reservedConcurrency(name) : undefined);
  const created = deps.created;
  const facts = async (name: string) => {
    const fn = config.functions.get(name);
    if (fn !== undefined) return configuredFunctionFacts(config, fn, deps.startedMs);
    const f = created?.facts(name);
    return f === undefined ? undefined : { facts: f, codeDirectory: created?.codeDirectory(name) };
  };
  const names = () => [...config.functions.keys(), ...(created?.names() ?? [])];
  const exists = (name: string) => config.functions.has(name) || created?.facts(name) !== undefined;
  return [
    ...functionReadRoutes({
      ...scope,
      names,
      async configuration(name) {
        const f = await facts(name);
        return f === undefined ? undefined : renderFunctionConfiguration(f.facts);
      },
      listEntry,
      // A config-file function's code is a directory on this host, not a zip: Location is its file: URL.
      async code(name) {
        const dir = (await facts(name))?.codeDirectory;
        return { RepositoryType: 'S3', ...(dir === undefined ? {} : { Location: pathToFileURL(dir).href }) };
      },
      reservedConcurrency: reservedOf,
      tags: (arn) => tags.get(arn),
      async account() {
        const all = await Promise.all(names().map(facts));
        const reserved = names().reduce((sum, n) => sum + (reservedOf(n) ?? 0), 0);
        return {
          concurrentExecutions: config.accountConcurrency,
          unreserved: config.accountConcurrency - reserved,
          totalCodeSize: all.reduce((sum, f) => sum + (f?.facts.code.size ?? 0), 0),
        };
      },
    }),
    ...concurrencyRoutes({
      ...scope,
      exists,
      reserved: reservedOf,
      setReserved: (name, value) => invoker.setReservedConcurrency(name, value),
    }),
    ...eventInvokeConfigListRoutes({ ...scope, functions }),
    ...tagRoutes({
      ...scope,
      functionExists: exists,
      mappingExists: (uuid) => deps.mappingExists(uuid),
      tags,
    }),
  ];
}
