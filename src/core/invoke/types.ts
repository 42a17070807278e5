import type { InvokeRequest, InvokeResult } from '../../ports/function-runtime.js';

/** Who is invoking: counts toward metrics labels and explains throttles. */
export type InvokeSource = 'sync' | 'async' | 'esm';

/**
 * The one way anything in sluice runs a function. It enforces account and reserved concurrency
 * (CON-1, CON-2, CON-5): over the limit it resolves `{ kind: 'throttle' }` instead of queueing
 * without bound, and it records Invocations, Errors, Throttles, Duration and ConcurrentExecutions.
 */
export interface Invoker {
  invoke(
    functionName: string,
    req: InvokeRequest,
    options?: { signal?: AbortSignal; source?: InvokeSource },
  ): Promise<InvokeResult>;
  /** Whether the function exists. */
  has(functionName: string): boolean;
}
