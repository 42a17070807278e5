// The queue poller over a source that takes messages back only when nacked (`redelivery: 'on-nack'`, RabbitMQ).
import { afterEach, describe, expect, it } from 'vitest';
import { createQueuePoller, type QueuePoller, type RecordFilter } from '../../../../src/core/esm/queue-poller.js';
import type { QueueMappingOptions } from '../../../../src/core/esm/queue-options.js';
import { FakeQueue, type FakeQueueOptions } from './queue-fake.js';
import {
  FakeInvoker,
  RecordingMetrics,
  VirtualClock,
  fnError,
  ok,
  runFor,
  runUntil,
  silentLogger,
  throttle,
} from './queue-test-kit.js';

const MB = 1024 * 1024;
const running: Array<{ poller: QueuePoller; clock: VirtualClock }> = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    const stopped = r.poller.stop(1000);
    await runUntil(r.clock, () => r.poller.status().workers === 0);
    await stopped;
  }
});

function setup(o: Partial<QueueMappingOptions> = {}, q: FakeQueueOptions = {}, filter?: RecordFilter) {
  const clock = new VirtualClock();
  const queue = new FakeQueue(clock, { redelivery: 'on-nack', ...q });
  const invoker = new FakeInvoker(clock);
  const metrics = new RecordingMetrics();
  const options: QueueMappingOptions = {
    mappingId: 'map-1',
    functionName: 'fn',
    batchSize: 10,
    maxBatchingWindowMs: 0,
    reportBatchItemFailures: false,
    fifo: false,
    // P-6 does not apply: nothing comes back by itself, so a function may outlive any visibility timeout
    functionTimeoutMs: 600_000,
    fixedConcurrency: 1,
    retryBackoff: { initialMs: 1000, maxMs: 4000 },
    ...o,
  };
  const poller = createQueuePoller({ source: queue, invoker, options, metrics, clock, logger: silentLogger, filter });
  running.push({ poller, clock });
  return { clock, queue, invoker, metrics, poller };
}

describe('queue poller over an on-nack source', () => {
  it('RMQ-17 a function error nacks the whole batch after a backoff that grows per failure in a row', async () => {
    const { clock, queue, invoker, poller } = setup();
    // fails 4 times, succeeds, then the next batch fails once: the backoff starts over after a success
    invoker.handler = (_r, call) => (call < 4 || call === 5 ? fnError() : ok());
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    queue.sendMany(2);
    await runUntil(clock, () => queue.deletedIds.length === 5);
    const all = ['m-1', 'm-2', 'm-3'];
    expect(queue.nackCalls.map((c) => ({ ids: c.ids, afterMs: c.afterMs }))).toEqual([
      { ids: all, afterMs: 1000 },
      { ids: all, afterMs: 2000 },
      { ids: all, afterMs: 4000 },
      { ids: all, afterMs: 4000 }, // capped at retryBackoff.maxMs
      { ids: ['m-4', 'm-5'], afterMs: 1000 },
    ]);
    // whole batches every time, in the source's own envelope
    expect(invoker.batches.map((b) => b.records.map((r) => r.messageId))).toEqual([
      all,
      all,
      all,
      all,
      all,
      ['m-4', 'm-5'],
      ['m-4', 'm-5'],
    ]);
    expect(queue.deleteCalls).toEqual([all, ['m-4', 'm-5']]);
  });

  it('RMQ-17 has no partial batch responses: a listed failure fails the whole batch', async () => {
    const { clock, queue, invoker, metrics, poller } = setup({ reportBatchItemFailures: true });
    invoker.handler = (records, call) =>
      call === 0 ? ok({ batchItemFailures: [{ itemIdentifier: records[1]!.messageId }] }) : ok({});
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(queue.nackCalls.map((c) => c.ids)).toEqual([['m-1', 'm-2', 'm-3']]);
    expect(invoker.batches.map((b) => b.records.length)).toEqual([3, 3]);
    expect(queue.deleteCalls).toEqual([['m-1', 'm-2', 'm-3']]);
    expect(metrics.count('sluice_failed_invoke_events_total')).toBe(3);
  });

  it('RMQ-15 fixed concurrency 1: one batch at a time whatever the backlog, throttles or errors', async () => {
    const { clock, queue, invoker, poller } = setup({ batchSize: 2, backlogIntervalMs: 1000 });
    invoker.durationMs = 500;
    invoker.handler = (_r, call) => (call % 3 === 1 ? throttle() : call % 3 === 2 ? fnError() : ok());
    queue.sendMany(40);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.maxConcurrent).toBe(1);
    expect(poller.status().concurrency).toBe(1);
    expect(new Set(queue.deletedIds).size).toBe(40);
  });

  it('RMQ-17 throttles retry the same batch past any visibility timeout: nothing is nacked', async () => {
    const { clock, queue, invoker, poller } = setup({ retryBackoff: { initialMs: 1000, maxMs: 10_000 } });
    invoker.handler = (_r, call) => (call < 20 ? throttle() : ok()); // ~3 minutes of throttles
    queue.sendMany(2);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches).toHaveLength(21);
    expect(invoker.batches.at(-1)!.at - invoker.batches[0]!.at).toBeGreaterThan(120_000);
    expect(queue.nackCalls).toEqual([]);
    expect(queue.deletedIds).toEqual(['m-1', 'm-2']);
  });

  it('RMQ-19 a message that alone exceeds 6 MB is rejected, never invoked; the others go on', async () => {
    const { clock, queue, invoker, poller } = setup({}, { canReject: true });
    queue.send('small-1');
    queue.send('huge', { sizeBytes: 7 * MB });
    queue.send('small-2');
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(queue.rejectedIds).toEqual(['m-2']);
    expect(invoker.ids.sort()).toEqual(['m-1', 'm-3']);
    expect(queue.deletedIds.sort()).toEqual(['m-1', 'm-3']);
  });

  it('RMQ-19 a source without reject keeps the oversized message (held, not invoked) until stop hands it back', async () => {
    const { clock, queue, invoker, poller } = setup();
    queue.send('huge', { sizeBytes: 7 * MB });
    queue.send('small');
    poller.start();
    await runUntil(clock, () => queue.deletedIds.length === 1);
    await runFor(clock, 60_000);
    expect(invoker.ids).toEqual(['m-2']);
    expect(queue.nackCalls).toEqual([]);
    const stopped = poller.stop(1000);
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(queue.released).toEqual(['m-1']);
    expect(queue.live.map((m) => m.id)).toEqual(['m-1']);
  });

  it('stop nacks held messages with no delay: a filling batch and what the 6 MB cap left over', async () => {
    const { clock, queue, invoker, poller } = setup();
    invoker.durationMs = 1000;
    queue.sendMany(8, () => ({ sizeBytes: MB }));
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    expect(poller.status().buffered).toBe(3); // 5 × 1 MB fit under 6 MB
    const stopped = poller.stop(5000);
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(queue.nackCalls.map((c) => c.afterMs)).toEqual([0]);
    expect(queue.released.sort()).toEqual(['m-6', 'm-7', 'm-8']);
    expect(queue.deletedIds).toHaveLength(5);
  });

  it('stop: a batch that fails while the poller stops is nacked with no delay', async () => {
    const { clock, queue, invoker, poller } = setup();
    invoker.durationMs = 2000;
    invoker.handler = () => fnError();
    queue.sendMany(2);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    const stopped = poller.stop(10_000); // the running invocation ends (with an error) inside the grace period
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(queue.nackCalls.map((c) => ({ ids: c.ids, afterMs: c.afterMs }))).toEqual([
      { ids: ['m-1', 'm-2'], afterMs: 0 },
    ]);
  });

  it('FLT-3 filtered-out messages are acked at once, before the batch is invoked', async () => {
    const odd: RecordFilter = { matches: (r) => Number(String(r['body']).split('-')[1]) % 2 === 1 };
    const { clock, queue, invoker, poller } = setup({}, {}, odd);
    invoker.durationMs = 10_000;
    queue.sendMany(4);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    expect(queue.deletedIds.sort()).toEqual(['m-1', 'm-3']); // body-0, body-2
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.ids.sort()).toEqual(['m-2', 'm-4']);
  });

  it('RMQ-16 acks the source could not make (channel gone) are not retried: the next batch comes at once', async () => {
    const { clock, queue, invoker, poller } = setup({ batchSize: 3 });
    queue.sendMany(3);
    queue.failDeletes.set('m-2', 1000); // its channel closed: the broker took it back
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    queue.sendMany(2);
    await runUntil(clock, () => invoker.batches.length === 2);
    expect(queue.deleteCalls.filter((c) => c.includes('m-2'))).toHaveLength(1);
    expect(invoker.batches[1]!.at - invoker.batches[0]!.at).toBeLessThan(1000); // no ack backoff in between
  });
});
