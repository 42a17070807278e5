import type { InvokeResult, InvokeRequest } from '../../../../src/ports/function-runtime.js';
import { createAsyncEngine } from '../../../../src/core/async/engine.js';
import type { AsyncEngineOptions, AsyncFunctionConfig } from '../../../../src/core/async/types.js';
import { createMemoryAsyncQueue } from '../../../../src/state/async-memory.js';
import { RecordingDestinations, RecordingLogger, RecordingMetrics, ScriptedInvoker, VirtualClock } from './helpers.js';

export const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-function';
export const ON_SUCCESS = 'arn:aws:sqs:us-east-1:123456789012:success';
export const ON_FAILURE = 'arn:aws:sqs:us-east-1:123456789012:failure';
export const DLQ = 'arn:aws:sqs:us-east-1:123456789012:dlq';

type Step = InvokeResult | ((req: InvokeRequest, signal?: AbortSignal) => Promise<InvokeResult>);

export function setup(
  config: Partial<AsyncFunctionConfig> = {},
  script: Step[] = [],
  options: AsyncEngineOptions = {},
) {
  const clock = new VirtualClock();
  const queue = createMemoryAsyncQueue();
  const invoker = new ScriptedInvoker(clock, script);
  const metrics = new RecordingMetrics();
  const destinations = new RecordingDestinations();
  const logger = new RecordingLogger();
  const fn: AsyncFunctionConfig = {
    functionArn: ARN,
    maximumRetryAttempts: 2,
    maximumEventAgeMs: 21_600_000,
    onSuccess: ON_SUCCESS,
    onFailure: ON_FAILURE,
    ...config,
  };
  const engine = createAsyncEngine({
    queue,
    invoker,
    functions: (name) => (name === 'my-function' ? fn : undefined),
    destinations: destinations.resolve,
    metrics,
    clock,
    logger,
    owner: 'p1',
    options: { deliveryBackoff: { baseMs: 1_000, maxMs: 4_000 }, ...options },
  });
  const start = clock.now();
  return {
    clock,
    queue,
    invoker,
    metrics,
    destinations,
    logger,
    engine,
    start,
    /** Move the virtual clock to `offsetMs` after the test start and run one pass. */
    async at(offsetMs: number): Promise<number> {
      clock.t = start + offsetMs;
      return engine.runOnce();
    },
    /** Offsets (from the start) at which the function was invoked. */
    invokedAt(): number[] {
      return invoker.calls.map((c) => c.atMs - start);
    },
  };
}
