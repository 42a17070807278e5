export { createAsyncEngine } from './engine.js';
export { ASYNC_METRICS } from './metric-names.js';
export type { AsyncEngine, AsyncEngineDeps, AsyncEngineOptions, AsyncFunctionConfig } from './types.js';
