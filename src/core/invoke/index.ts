export type { InvokeSource, Invoker } from './types.js';
export { createInvoker, type ConcurrencyInvoker, type InvokerFunction, type InvokerOptions } from './invoker.js';
export { ConcurrencyPools, type ThrottleReason } from './concurrency.js';
export * as invokeMetricNames from './metric-names.js';
