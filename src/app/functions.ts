// Builds a runtime per configured function and the one invoker that enforces concurrency for all of
// them. Also holds each function's async settings (EventInvokeConfig), which the config API may change.
import path from 'node:path';
import type { CompiledConfig, CompiledFunction } from '../config/compile.js';
import { createInvoker, type ConcurrencyInvoker } from '../core/invoke/index.js';
import type { AsyncFunctionConfig } from '../core/async/index.js';
import type { Clock } from '../ports/clock.js';
import type { FunctionRuntime, FunctionSpec } from '../ports/function-runtime.js';
import type { Metrics } from '../ports/metrics.js';
import { createRuntime, EnvironmentBudget, type RuntimeOptions } from '../runtimes/index.js';
import type { EventInvokeConfig } from '../http/routes/event-invoke-config.js';

export interface Functions {
  /** Also PutFunctionConcurrency's home: reservations change live. */
  invoker: ConcurrencyInvoker;
  get(name: string): CompiledFunction | undefined;
  asyncConfig(name: string): AsyncFunctionConfig | undefined;
  eventInvokeConfig(name: string): EventInvokeConfig | undefined;
  setEventInvokeConfig(name: string, cfg: EventInvokeConfig | undefined): void;
  close(): Promise<void>;
}

export function functionSpec(config: CompiledConfig, fn: CompiledFunction): FunctionSpec {
  const codeUri = path.resolve(config.baseDir, typeof fn.settings.CodeUri === 'string' ? fn.settings.CodeUri : '.');
  return {
    name: fn.name,
    arn: fn.arn,
    timeoutMs: fn.timeoutMs,
    memorySizeMb: fn.memorySizeMb,
    environment: { AWS_REGION: config.region, ...fn.environment },
    settings: { Region: config.region, ...fn.settings, CodeUri: codeUri },
  };
}

/** One environment budget for every environment-based function of the service (it bounds them together). */
function runtimeOptionsOf(config: CompiledConfig): RuntimeOptions {
  const nodejs = config.runtimes?.nodejs;
  const python = config.runtimes?.python;
  const java = config.runtimes?.java;
  const shared = new EnvironmentBudget(
    nodejs
      ? {
          memoryMb: nodejs.memoryBudgetMb,
          perFunction: nodejs.maxEnvironmentsPerFunction,
          queueTimeoutMs: nodejs.queueTimeoutMs,
          pressureFreeMb: nodejs.pressureFreeMb,
        }
      : {},
  );
  const idle = nodejs ? { idleTimeoutMs: nodejs.idleTimeoutSeconds * 1000 } : {};
  return {
    ...(nodejs ? { nodejs: { isolation: nodejs.isolation, budget: shared, ...idle } } : {}),
    runtimeApi: {
      budget: shared,
      ...idle,
      ...(python ? { pythonInterpreter: python.interpreter } : {}),
      ...(java ? { javaCommand: java.command } : {}),
      ...(java?.classpath === undefined ? {} : { javaClasspath: java.classpath }),
    },
  };
}

export function buildFunctions(config: CompiledConfig, metrics: Metrics, clock: Clock): Functions {
  const runtimes = new Map<string, { spec: FunctionSpec; runtime: FunctionRuntime; reservedConcurrency?: number }>();
  const eventConfigs = new Map<string, EventInvokeConfig | undefined>();
  const runtimeOptions = runtimeOptionsOf(config);
  for (const fn of config.functions.values()) {
    const spec = functionSpec(config, fn);
    runtimes.set(fn.name, {
      spec,
      runtime: createRuntime(spec, fn.runtime, runtimeOptions),
      reservedConcurrency: fn.reservedConcurrency,
    });
    // Like Lambda, a function without an EventInvokeConfig has none to Get (defaults still apply).
    if (fn.async.configured)
      eventConfigs.set(fn.name, {
        maximumRetryAttempts: fn.async.maximumRetryAttempts,
        maximumEventAgeMs: fn.async.maximumEventAgeMs,
        onSuccess: fn.async.onSuccess,
        onFailure: fn.async.onFailure,
        lastModifiedMs: Date.now(),
      });
  }
  const invoker = createInvoker({
    functions: runtimes,
    accountConcurrency: config.accountConcurrency,
    invocationsPerSecondPerConcurrency: config.requestsPerSecondPerConcurrency,
    metrics,
    clock,
  });
  return {
    invoker,
    get: (name) => config.functions.get(name),
    asyncConfig(name) {
      const fn = config.functions.get(name);
      if (fn === undefined) return undefined;
      const ev = eventConfigs.get(name);
      return {
        functionArn: fn.arn,
        maximumRetryAttempts: ev?.maximumRetryAttempts ?? 2,
        maximumEventAgeMs: ev?.maximumEventAgeMs ?? 21_600_000,
        onSuccess: ev?.onSuccess,
        onFailure: ev?.onFailure,
        deadLetterTargetArn: fn.async.deadLetterTargetArn,
        // The live reservation (PutFunctionConcurrency may have changed the file's).
        reservedConcurrency: invoker.reservedConcurrency(name),
      };
    },
    eventInvokeConfig: (name) => eventConfigs.get(name),
    setEventInvokeConfig: (name, cfg) => void eventConfigs.set(name, cfg),
    close: () => invoker.close(),
  };
}
