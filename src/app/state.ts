// Opens the state store the config names: memory (embedded default, one process, nothing survives a
// restart) or Redis (checkpoints, leases and the async queue shared by every sluice process).
import type { CompiledConfig } from '../config/compile.js';
import type { AsyncQueue } from '../ports/async-queue.js';
import type { FunctionStore } from '../ports/function-store.js';
import type { StateStore } from '../ports/state.js';
import { createMemoryAsyncQueue } from '../state/async-memory.js';
import { createRedisAsyncQueue } from '../state/async-redis.js';
import { MemoryFunctionStore } from '../state/functions-memory.js';
import { RedisFunctionStore } from '../state/functions-redis.js';
import { createMemoryStateStore } from '../state/memory.js';
import { RedisStateStore } from '../state/redis.js';

export interface OpenState {
  store: StateStore;
  asyncQueue: AsyncQueue;
  /** Functions created over the Lambda API and their zip packages. */
  functions: FunctionStore;
  /** Whether several processes may share the work (leases are needed). */
  shared: boolean;
}

export function openState(config: CompiledConfig): OpenState {
  if (config.state.type === 'memory') {
    return {
      store: createMemoryStateStore(),
      asyncQueue: createMemoryAsyncQueue(),
      functions: new MemoryFunctionStore(),
      shared: false,
    };
  }
  const conn = config.state.connection === undefined ? undefined : config.connections[config.state.connection];
  if (conn?.type !== 'redis' || typeof conn.url !== 'string')
    throw new Error('state type redis needs a connection of type redis');
  return {
    store: new RedisStateStore({ url: conn.url, keyPrefix: config.state.keyPrefix }),
    asyncQueue: createRedisAsyncQueue({ url: conn.url, prefix: `${config.state.keyPrefix}:async` }),
    functions: new RedisFunctionStore(conn.url, config.state.keyPrefix),
    shared: true,
  };
}
