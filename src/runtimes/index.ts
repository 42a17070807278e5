// Runtime registry: the one place that maps a function's runtime kind to its implementation.
import type { FunctionRuntime, FunctionSpec } from '../ports/function-runtime.js';
import { HttpRuntime } from './http/http-runtime.js';
import { LambdaRuntime, type LambdaRuntimeOptions } from './lambda/lambda-runtime.js';
import { NodejsRuntime, type NodejsRuntimeOptions } from './nodejs/nodejs-runtime.js';
import {
  JAVA_RUNTIMES,
  PROVIDED_RUNTIMES,
  PYTHON_RUNTIMES,
  RuntimeApiRuntime,
  type RuntimeApiKind,
  type RuntimeApiRuntimeOptions,
} from './runtime-api/runtime-api-runtime.js';

export type RuntimeKind = 'nodejs' | 'http' | 'lambda' | RuntimeApiKind;
export const RUNTIME_KINDS: readonly RuntimeKind[] = [
  'nodejs',
  'http',
  'lambda',
  ...PROVIDED_RUNTIMES,
  ...PYTHON_RUNTIMES,
  ...JAVA_RUNTIMES,
];

export interface RuntimeOptions {
  nodejs?: NodejsRuntimeOptions;
  lambda?: LambdaRuntimeOptions;
  /** provided.* and python3.x: give them the nodejs budget so every environment counts against one bound. */
  runtimeApi?: RuntimeApiRuntimeOptions;
}

export function createRuntime(spec: FunctionSpec, kind: RuntimeKind, options: RuntimeOptions = {}): FunctionRuntime {
  switch (kind) {
    case 'nodejs':
      return new NodejsRuntime(spec, options.nodejs);
    case 'http':
      return new HttpRuntime(spec);
    case 'lambda':
      return new LambdaRuntime(spec, options.lambda);
    case 'provided.al2023':
    case 'provided.al2':
    case 'python3.10':
    case 'python3.11':
    case 'python3.12':
    case 'python3.13':
    case 'python3.14':
    case 'java21':
    case 'java17':
      return new RuntimeApiRuntime(spec, kind, options.runtimeApi);
    default:
      throw new Error(`function ${spec.name}: unknown runtime ${String(kind satisfies never)}`);
  }
}

export { HttpRuntime, LambdaRuntime, NodejsRuntime, RuntimeApiRuntime };
export { EnvironmentBudget } from './shared/env-budget.js';
export type { LambdaRuntimeOptions, NodejsRuntimeOptions, RuntimeApiRuntimeOptions };
