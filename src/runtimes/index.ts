// Runtime registry: the one place that maps a function's runtime kind to its implementation.
import type { FunctionRuntime, FunctionSpec } from '../ports/function-runtime.js';
import { HttpRuntime } from './http/http-runtime.js';
import { LambdaRuntime, type LambdaRuntimeOptions } from './lambda/lambda-runtime.js';
import { NodejsRuntime, type NodejsRuntimeOptions } from './nodejs/nodejs-runtime.js';

export type RuntimeKind = 'nodejs' | 'http' | 'lambda';
export const RUNTIME_KINDS: readonly RuntimeKind[] = ['nodejs', 'http', 'lambda'];

export interface RuntimeOptions {
  nodejs?: NodejsRuntimeOptions;
  lambda?: LambdaRuntimeOptions;
}

export function createRuntime(spec: FunctionSpec, kind: RuntimeKind, options: RuntimeOptions = {}): FunctionRuntime {
  switch (kind) {
    case 'nodejs':
      return new NodejsRuntime(spec, options.nodejs);
    case 'http':
      return new HttpRuntime(spec);
    case 'lambda':
      return new LambdaRuntime(spec, options.lambda);
    default:
      throw new Error(`function ${spec.name}: unknown runtime ${String(kind satisfies never)}`);
  }
}

export { HttpRuntime, LambdaRuntime, NodejsRuntime };
export { EnvironmentBudget } from './shared/env-budget.js';
export type { LambdaRuntimeOptions, NodejsRuntimeOptions };
