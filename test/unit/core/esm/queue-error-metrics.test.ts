// MET-4 InvokeErrorCount on the queue poller (one per failed batch invocation, not per message) and PRV-14's
// ProvisionedPollers gauge of a provisioned queue mapping.
import { afterEach, describe, expect, it } from 'vitest';
import { createQueuePoller, type QueuePoller } from '../../../../src/core/esm/queue-poller.js';
import type { QueueMappingOptions } from '../../../../src/core/esm/queue-options.js';
import { FakeQueue } from './queue-fake.js';
import {
  FakeInvoker,
  RecordingMetrics,
  VirtualClock,
  fnError,
  ok,
  runUntil,
  silentLogger,
  throttle,
} from './queue-test-kit.js';

const running: Array<{ poller: QueuePoller; clock: VirtualClock }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    const stopped = r.poller.stop(1000);
    await runUntil(r.clock, () => r.poller.status().workers === 0);
    await stopped;
  }
});

function setup(o: Partial<QueueMappingOptions> = {}) {
  const clock = new VirtualClock();
  const queue = new FakeQueue(clock, { visibilityMs: 30_000 });
  const invoker = new FakeInvoker(clock);
  const metrics = new RecordingMetrics();
  const options: QueueMappingOptions = {
    mappingId: 'map-1',
    functionName: 'fn',
    batchSize: 10,
    maxBatchingWindowMs: 0,
    reportBatchItemFailures: false,
    fifo: false,
    functionTimeoutMs: 3000,
    visibilityTimeoutMs: 30_000,
    ...o,
  };
  const poller = createQueuePoller({ source: queue, invoker, options, metrics, clock, logger: silentLogger });
  running.push({ poller, clock });
  return { clock, queue, invoker, metrics, poller };
}

describe('queue poller error metrics', () => {
  it('MET-4 InvokeErrorCount counts failed invocations per batch (function and system errors, not throttles)', async () => {
    const { clock, queue, invoker, metrics, poller } = setup();
    const script = [
      throttle(),
      { kind: 'system-error', statusCode: 502, errorType: 'ServiceException', message: 'x' } as const,
      fnError(),
    ];
    invoker.handler = () => script.shift() ?? ok();
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(metrics.count('sluice_invoke_errors_total')).toBe(2);
    expect(metrics.count('sluice_failed_invoke_events_total')).toBe(6);
  });

  it('PRV-14 a provisioned queue mapping shows its pollers: MinimumPollers at start', async () => {
    const { clock, metrics, poller } = setup({ provisioned: { minimumPollers: 3, maximumPollers: 9 } });
    poller.start();
    await runUntil(clock, () => poller.status().workers === 3);
    expect(metrics.gauges.get('sluice_provisioned_pollers')).toBe(3);
    expect(poller.status().concurrency).toBe(3);
  });
});
