export type * from './function-runtime.js';
export type * from './sources.js';
export type * from './state.js';
export type * from './connector.js';
export type * from './clock.js';
export type * from './logger.js';
export type { Metrics, Labels } from './metrics.js';
export { noopMetrics } from './metrics.js';
export { SluiceError, LambdaApiError, ShardLostError } from './errors.js';
