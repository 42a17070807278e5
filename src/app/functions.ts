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
  /** A function of the config file or, after it, one created over the API. */
  get(name: string): CompiledFunction | undefined;
  /** Whether the config file defines the function (it is then not changed over the API). */
  configured(name: string): boolean;
  /** Adds or replaces an API-created function; in-flight invocations of the old one finish on its code. */
  put(fn: CompiledFunction): void;
  /** Removes an API-created function (and its async settings). */
  remove(name: string): void;
  /** The config file's functions and the API's as one live map: what mappings and destinations may name. */
  readonly all: Map<string, CompiledFunction>;
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
  // Functions created over the API (src/app/api-functions); the config file's are in config.functions.
  const added = new Map<string, CompiledFunction>();
  const lookup = (name: string) => config.functions.get(name) ?? added.get(name);
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
    get: lookup,
    all: new LiveFunctions(config.functions, added),
    configured: (name) => config.functions.has(name),
    put(fn) {
      const spec = functionSpec(config, fn);
      invoker.putFunction(fn.name, { spec, runtime: createRuntime(spec, fn.runtime, runtimeOptions) });
      added.set(fn.name, fn);
    },
    remove(name) {
      if (!added.delete(name)) return;
      invoker.removeFunction(name);
      eventConfigs.delete(name);
    },
    asyncConfig(name) {
      const fn = lookup(name);
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

/**
 * A read-only Map over the config file's functions and the API-created ones, always current, so code written
 * against `config.functions` (mapping compilation and start) also sees functions created over the API.
 */
class LiveFunctions extends Map<string, CompiledFunction> {
  constructor(
    private readonly file: ReadonlyMap<string, CompiledFunction>,
    private readonly added: ReadonlyMap<string, CompiledFunction>,
  ) {
    super();
  }

  private snapshot(): Map<string, CompiledFunction> {
    return new Map([...this.added, ...this.file]);
  }

  override get(name: string): CompiledFunction | undefined {
    return this.file.get(name) ?? this.added.get(name);
  }

  override has(name: string): boolean {
    return this.file.has(name) || this.added.has(name);
  }

  override get size(): number {
    return this.snapshot().size;
  }

  override entries(): MapIterator<[string, CompiledFunction]> {
    return this.snapshot().entries();
  }

  override keys(): MapIterator<string> {
    return this.snapshot().keys();
  }

  override values(): MapIterator<CompiledFunction> {
    return this.snapshot().values();
  }

  override [Symbol.iterator](): MapIterator<[string, CompiledFunction]> {
    return this.snapshot()[Symbol.iterator]();
  }

  override forEach(fn: (v: CompiledFunction, k: string, m: Map<string, CompiledFunction>) => void): void {
    this.snapshot().forEach((v, k) => fn(v, k, this));
  }

  override set(): this {
    throw new Error('the function map is read-only: functions change through the config file or the API');
  }

  override delete(): boolean {
    throw new Error('the function map is read-only: functions change through the config file or the API');
  }
}
