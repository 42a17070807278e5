// The invoker: admission against account and reserved concurrency, then the function's runtime,
// then metrics. It never queues: over the limit it answers with a throttle at once (CON-5).
import type { Clock } from '../../ports/clock.js';
import {
  invocationAborted,
  type FunctionRuntime,
  type FunctionSpec,
  type InvokeRequest,
  type InvokeResult,
} from '../../ports/function-runtime.js';
import type { Metrics } from '../../ports/metrics.js';
import { noopMetrics } from '../../ports/metrics.js';
import { LambdaApiError } from '../../ports/errors.js';
import { ConcurrencyPools } from './concurrency.js';
import { InvocationRateLimits } from './rate-limit.js';
import * as M from './metric-names.js';
import type { InvokeSource, Invoker } from './types.js';

export interface InvokerFunction {
  spec: FunctionSpec;
  runtime: FunctionRuntime;
  /** ReservedConcurrentExecutions: both a guarantee and a cap (CON-2). 0 = always throttled. */
  reservedConcurrency?: number;
}

export interface InvokerOptions {
  functions: Map<string, InvokerFunction>;
  /** Account concurrency (CON-1); default 1000. */
  accountConcurrency?: number;
  /** CON-1: invocations per second per unit of concurrency (account and reserved); default 10, 0 = no limit. */
  invocationsPerSecondPerConcurrency?: number;
  /** Unreserved concurrency that reservations must leave (CON-2); default min(100, accountConcurrency). */
  minimumUnreservedConcurrency?: number;
  metrics?: Metrics;
  clock?: Clock;
}

/** The invoker plus what the API and the pollers need to size themselves. */
export interface ConcurrencyInvoker extends Invoker {
  /** The most concurrent executions the function can have (its reservation, else the unreserved pool). */
  concurrencyLimit(functionName: string): number;
  /** Executions of the function in flight now. */
  running(functionName: string): number;
  reservedConcurrency(functionName: string): number | undefined;
  /** PutFunctionConcurrency (a number) / DeleteFunctionConcurrency (undefined). Throws LambdaApiError. */
  setReservedConcurrency(functionName: string, value: number | undefined): void;
  /**
   * Adds or replaces a function at runtime. A replaced runtime finishes the invocations it has started
   * (they keep the old code) and is closed once the last one ends; new invocations get the new one.
   */
  putFunction(functionName: string, fn: InvokerFunction): void;
  /** Removes a function (its reservation too); in-flight invocations finish, then its runtime closes. */
  removeFunction(functionName: string): void;
  /** Closes every runtime. */
  close(): Promise<void>;
}

const THROTTLE_MESSAGE = 'Rate Exceeded.';

export function createInvoker(options: InvokerOptions): ConcurrencyInvoker {
  const functions = options.functions;
  const metrics = options.metrics ?? noopMetrics;
  const clock = options.clock ?? { now: () => Date.now() };
  const accountConcurrency = options.accountConcurrency ?? 1000;
  const pools = new ConcurrencyPools({
    accountConcurrency,
    minimumUnreserved: options.minimumUnreservedConcurrency ?? Math.min(100, accountConcurrency),
  });
  for (const [name, fn] of functions) {
    if (fn.reservedConcurrency !== undefined) pools.setReserved(name, fn.reservedConcurrency);
  }
  // Invocations running per runtime, so a replaced or removed runtime closes only once they are done.
  const inFlight = new Map<FunctionRuntime, number>();
  const retired = new Set<FunctionRuntime>();
  const retire = (runtime: FunctionRuntime): void => {
    if ((inFlight.get(runtime) ?? 0) > 0) retired.add(runtime);
    else void runtime.close().catch(() => undefined);
  };
  const rates = new InvocationRateLimits(accountConcurrency, options.invocationsPerSecondPerConcurrency ?? 10, clock);

  const publishConcurrency = (name: string): void => {
    metrics.set(M.CONCURRENT_EXECUTIONS, { function: name }, pools.running(name));
    metrics.set(M.UNRESERVED_CONCURRENT_EXECUTIONS, {}, pools.unreservedRunning);
  };

  const lookup = (name: string): InvokerFunction => {
    const fn = functions.get(name);
    if (!fn) throw new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${name}`);
    return fn;
  };

  async function invoke(
    functionName: string,
    req: InvokeRequest,
    invokeOptions: { signal?: AbortSignal; source?: InvokeSource } = {},
  ): Promise<InvokeResult> {
    const fn = functions.get(functionName);
    if (!fn) {
      return {
        kind: 'system-error',
        statusCode: 404,
        errorType: 'ResourceNotFoundException',
        message: `Function not found: ${functionName}`,
      };
    }
    const labels = { function: functionName, source: invokeOptions.source ?? 'sync' };
    const signal = invokeOptions.signal ?? new AbortController().signal;
    if (signal.aborted) return invocationAborted(functionName);

    const refused = rates.take(functionName, pools.reservedFor(functionName)) ?? pools.acquire(functionName);
    if (refused) {
      metrics.inc(M.THROTTLES, labels);
      return { kind: 'throttle', reason: refused, message: THROTTLE_MESSAGE };
    }
    publishConcurrency(functionName);
    const started = clock.now();
    let result: InvokeResult;
    const runtime = fn.runtime;
    inFlight.set(runtime, (inFlight.get(runtime) ?? 0) + 1);
    try {
      result = await runtime.invoke(req, signal);
    } catch (err) {
      // A runtime must not reject; if one does, the function did not run as far as we know.
      const message = err instanceof Error ? err.message : String(err);
      result = { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message };
    } finally {
      pools.release(functionName);
      publishConcurrency(functionName);
      const left = (inFlight.get(runtime) ?? 1) - 1;
      if (left > 0) inFlight.set(runtime, left);
      else {
        inFlight.delete(runtime);
        if (retired.delete(runtime)) retire(runtime);
      }
    }
    record(functionName, labels, result, clock.now() - started);
    return result;
  }

  function record(name: string, labels: Record<string, string>, result: InvokeResult, wallMs: number): void {
    switch (result.kind) {
      case 'success':
      case 'function-error': {
        metrics.inc(M.INVOCATIONS, labels);
        if (result.kind === 'function-error') metrics.inc(M.ERRORS, labels);
        const ms = Number.isFinite(result.durationMs) ? result.durationMs : wallMs;
        metrics.observe(M.DURATION, { function: name }, ms / 1000);
        if (result.coldStart) metrics.inc(M.COLD_STARTS, { function: name });
        return;
      }
      case 'throttle':
        metrics.inc(M.THROTTLES, labels);
        return;
      case 'system-error':
        metrics.inc(M.SYSTEM_ERRORS, labels);
        return;
    }
  }

  return {
    invoke,
    has: (name) => functions.has(name),
    concurrencyLimit: (name) => {
      lookup(name);
      return pools.limit(name);
    },
    running: (name) => pools.running(name),
    reservedConcurrency: (name) => {
      lookup(name);
      return pools.reservedFor(name);
    },
    setReservedConcurrency: (name, value) => {
      lookup(name);
      pools.setReserved(name, value);
    },
    putFunction: (name, fn) => {
      const old = functions.get(name);
      // A replacement keeps the function's reservation (PutFunctionConcurrency outlives code updates).
      if (old === undefined && fn.reservedConcurrency !== undefined) pools.setReserved(name, fn.reservedConcurrency);
      functions.set(name, fn);
      if (old !== undefined && old.runtime !== fn.runtime) retire(old.runtime);
    },
    removeFunction: (name) => {
      const old = functions.get(name);
      if (old === undefined) return;
      functions.delete(name);
      pools.setReserved(name, undefined);
      retire(old.runtime);
    },
    close: async () => {
      const all = new Set([...[...functions.values()].map((fn) => fn.runtime), ...retired]);
      retired.clear();
      await Promise.all([...all].map((runtime) => runtime.close()));
    },
  };
}
