// The write side of the Function API, wired for the app: the registry that keeps runtimes in step with the
// state store, the operations the HTTP routes call, and the FN-18 check of the Invoke route.
import type { CompiledConfig } from '../../config/compile.js';
import { LambdaApiError } from '../../ports/errors.js';
import type { FunctionStore } from '../../ports/function-store.js';
import type { Logger } from '../../ports/logger.js';
import type { TagStore } from '../../ports/state.js';
import { FunctionApi } from './operations.js';
import { FunctionRegistry, type FunctionTarget } from './registry.js';

export { FunctionApi } from './operations.js';
export { FunctionRegistry } from './registry.js';
export { functionConfiguration } from './view.js';
import { functionFacts } from './view.js';
import type { CreatedFunctions } from '../function-api.js';

export interface FunctionApiParts {
  registry: FunctionRegistry;
  api: FunctionApi;
  /** FN-18: a Pending function (or one whose creation failed) cannot be invoked. */
  unavailable(name: string): LambdaApiError | undefined;
  /** What the read side of the API shows of them. */
  created: CreatedFunctions;
}

export function openFunctionApi(o: {
  config: CompiledConfig;
  store: FunctionStore;
  target: FunctionTarget;
  logger: Logger;
  tags?: TagStore;
  destinationProblem(address: string): string | undefined;
}): FunctionApiParts {
  const { config, store, target } = o;
  const registry = new FunctionRegistry({
    store,
    target,
    region: config.region,
    accountId: config.accountId,
    logger: o.logger.child({ component: 'api-functions' }),
    stateDelayMs: config.tuning.functionStateDelayMs,
    syncIntervalMs: config.tuning.functionSyncIntervalMs,
  });
  const api = new FunctionApi({
    registry,
    store,
    configured: (name) => target.configured(name),
    region: config.region,
    accountId: config.accountId,
    tags: o.tags,
    codeStorageBytes: config.tuning.functionCodeStorageMb * 1024 * 1024,
    destinationProblem: (address) => o.destinationProblem(address),
  });
  return {
    registry,
    api,
    created: {
      names: () => registry.names(),
      facts(name) {
        const fn = registry.record(name);
        return fn === undefined ? undefined : functionFacts(fn.shown, registry.arn(name));
      },
      codeDirectory: (name) => registry.codeDirectory(name),
    },
    unavailable(name) {
      if (target.configured(name)) return undefined;
      const fn = registry.record(name);
      if (fn === undefined || fn.live !== undefined) return undefined;
      return new LambdaApiError(
        'ResourceConflictException',
        409,
        `The operation cannot be performed at this time. The function is currently in the following state: ${fn.shown.State}`,
      );
    },
  };
}
