import { afterEach, describe, expect, it } from 'vitest';
import { createQueuePoller, type QueuePoller, type RecordFilter } from '../../../../src/core/esm/queue-poller.js';
import type { QueueMappingOptions } from '../../../../src/core/esm/queue-options.js';
import { FakeQueue } from './queue-fake.js';
import {
  FakeInvoker,
  RecordingMetrics,
  VirtualClock,
  fnError,
  ok,
  okRaw,
  runFor,
  runUntil,
  silentLogger,
  throttle,
  type SeenRecord,
} from './queue-test-kit.js';

const M = {
  polled: 'sluice_polled_events_total',
  filtered: 'sluice_filtered_out_events_total',
  invoked: 'sluice_invoked_events_total',
  failed: 'sluice_failed_invoke_events_total',
  deleted: 'sluice_deleted_events_total',
  inflight: 'sluice_inflight_batches',
  concurrency: 'sluice_mapping_concurrency',
  backlog: 'sluice_backlog',
};

const running: Array<{ poller: QueuePoller; clock: VirtualClock }> = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    const stopped = r.poller.stop(1000);
    await runUntil(r.clock, () => r.poller.status().workers === 0);
    await stopped;
  }
});

function setup(o: Partial<QueueMappingOptions> = {}, filter?: RecordFilter) {
  const clock = new VirtualClock();
  const queue = new FakeQueue(clock, { visibilityMs: o.visibilityTimeoutMs ?? 30_000, fifo: o.fifo });
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
  const poller = createQueuePoller({ source: queue, invoker, options, metrics, clock, logger: silentLogger, filter });
  running.push({ poller, clock });
  const start = clock.now();
  return { clock, queue, invoker, metrics, poller, start };
}

const bodies = (records: SeenRecord[]) => records.map((r) => r.body);

describe('queue poller: outcomes', () => {
  it('SQS-10 deletes every message of a batch that succeeds', async () => {
    const { clock, queue, invoker, metrics, poller } = setup();
    queue.sendMany(25);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.ids.sort()).toEqual(queue.messages.map((m) => m.id).sort());
    expect(metrics.count(M.polled)).toBe(25);
    expect(metrics.count(M.invoked)).toBe(25);
    expect(metrics.count(M.deleted)).toBe(25);
    expect(metrics.count(M.failed)).toBe(0);
    expect(metrics.lastLabels).toEqual({ mapping: 'map-1', function: 'fn', source: 'sqs' });
    expect(metrics.gauges.get(M.inflight)).toBe(0);
  });

  it('SQS-11 a function error deletes nothing; messages come back only after the visibility timeout', async () => {
    const { clock, queue, invoker, metrics, poller } = setup();
    invoker.handler = (_r, call) => (call === 0 ? fnError() : ok());
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches).toHaveLength(2);
    const [first, second] = invoker.batches;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(30_000);
    expect(second!.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(queue.released).toEqual([]);
    expect(metrics.count(M.failed)).toBe(3);
    expect(metrics.count(M.invoked)).toBe(6);
  });

  it('SQS-17 with ReportBatchItemFailures deletes all but the listed messages', async () => {
    const { clock, queue, invoker, metrics, poller } = setup({ reportBatchItemFailures: true });
    invoker.handler = (records, call) =>
      call === 0 ? ok({ batchItemFailures: [{ itemIdentifier: records[1]!.messageId }] }) : ok();
    queue.sendMany(4);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1 && queue.live.length === 1);
    const failedId = invoker.batches[0]!.records[1]!.messageId;
    expect(queue.live.map((m) => m.id)).toEqual([failedId]);
    expect(metrics.count(M.failed)).toBe(1); // SQS-22
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches[1]!.records.map((r) => r.messageId)).toEqual([failedId]);
    expect(invoker.batches[1]!.at - invoker.batches[0]!.at).toBeGreaterThanOrEqual(30_000);
  });

  it.each([
    ['invalid JSON', okRaw('{not json')],
    ['an id not in the batch', ok({ batchItemFailures: [{ itemIdentifier: 'nope' }] })],
    ['an empty itemIdentifier', ok({ batchItemFailures: [{ itemIdentifier: '' }] })],
    ['a wrongly named key', ok({ batchItemFailures: [{ ItemIdentifier: 'm-1' }] })],
  ])('SQS-19 %s fails the whole batch: nothing deleted', async (_name, result) => {
    const { clock, queue, invoker, metrics, poller } = setup({ reportBatchItemFailures: true });
    invoker.handler = () => result;
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    await runFor(clock, 1000);
    expect(queue.live).toHaveLength(3);
    expect(metrics.count(M.deleted)).toBe(0);
    expect(metrics.count(M.failed)).toBe(3);
  });

  it.each([
    ['an empty list', ok({ batchItemFailures: [] })],
    ['batchItemFailures null', ok({ batchItemFailures: null })],
    ['an empty object', ok({})],
    ['a null response', ok(null)],
  ])('SQS-18 %s is a complete success: everything deleted', async (_name, result) => {
    const { clock, queue, invoker, poller } = setup({ reportBatchItemFailures: true });
    invoker.handler = () => result;
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches).toHaveLength(1);
  });

  it('SQS-20 a function error fails the whole batch even with a batchItemFailures payload', async () => {
    const { clock, queue, invoker, poller } = setup({ reportBatchItemFailures: true });
    invoker.handler = (records) => fnError({ batchItemFailures: [{ itemIdentifier: records[0]!.messageId }] });
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    await runFor(clock, 1000);
    expect(queue.live).toHaveLength(3);
  });

  it('P-8 without ReportBatchItemFailures a batchItemFailures answer is ignored and the batch deleted', async () => {
    const { clock, queue, invoker, poller } = setup({ reportBatchItemFailures: false });
    invoker.handler = (records) => ok({ batchItemFailures: [{ itemIdentifier: records[0]!.messageId }] });
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches).toHaveLength(1);
  });

  it('retries deletes the queue rejected, only for the rejected messages', async () => {
    const { clock, queue, metrics, poller } = setup();
    queue.sendMany(5);
    queue.failDeletes.set('m-3', 2);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(queue.deleteCalls).toEqual([['m-1', 'm-2', 'm-3', 'm-4', 'm-5'], ['m-3'], ['m-3']]);
    expect(metrics.count(M.deleted)).toBe(5);
  });

  it('a delete that keeps failing is logged and left to the visibility timeout, not counted', async () => {
    const { clock, queue, metrics, poller } = setup();
    queue.sendMany(2);
    queue.failDeletes.set('m-2', 1000);
    poller.start();
    await runUntil(clock, () => queue.deleteCalls.length >= 5);
    await runFor(clock, 15_000);
    expect(queue.deleteCalls.filter((c) => c.includes('m-2')).length).toBeLessThanOrEqual(5);
    expect(metrics.count(M.deleted)).toBe(1);
  });
});

describe('queue poller: throttles and system errors', () => {
  it('SQS-14 retries a throttled batch with backoff until the visibility timeout, then lets it return', async () => {
    const { clock, queue, invoker, metrics, poller, start } = setup({
      retryBackoff: { initialMs: 500, maxMs: 10_000 },
    });
    invoker.handler = () => throttle();
    queue.send('x');
    poller.start();
    await runUntil(clock, () => invoker.batches.length >= 8);
    const firstRound = invoker.batches.filter((b) => b.at < start + 30_000).map((b) => b.at - start);
    expect(firstRound).toEqual([0, 500, 1500, 3500, 7500, 15_500, 25_500]);
    expect(invoker.batches[7]!.at - start).toBeGreaterThanOrEqual(30_000);
    expect(invoker.batches[7]!.records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    expect(metrics.count(M.invoked)).toBe(0); // throttled attempts never ran the function
    expect(poller.status().concurrency).toBe(1);
  });

  it('SQS-14 a throttled batch that later runs is deleted without going back to the queue', async () => {
    const { clock, queue, invoker, poller } = setup();
    invoker.handler = (_r, call) => (call < 2 ? throttle() : ok());
    queue.sendMany(2);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches.map((b) => b.records[0]!.attributes.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  });

  it('ERR-7 a system error is retried like a throttle and counted as a failed invoke', async () => {
    const { clock, queue, invoker, metrics, poller } = setup();
    invoker.handler = (_r, call) =>
      call === 0 ? { kind: 'system-error', statusCode: 502, errorType: 'ServiceException', message: 'x' } : ok();
    queue.sendMany(2);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(metrics.count(M.failed)).toBe(2);
    expect(metrics.count(M.invoked)).toBe(2);
  });
});

describe('queue poller: batching', () => {
  it('SQS-1 long-polls for 20 s while the queue is idle', async () => {
    const { clock, queue, invoker, poller } = setup();
    poller.start();
    await runFor(clock, 60_000);
    expect(invoker.batches).toHaveLength(0);
    expect(queue.receives.every((r) => r.waitMs === 20_000)).toBe(true);
    expect(queue.receives.length).toBeLessThanOrEqual(15);
  });

  it('never sleeps while a backlog exists: 2,000 messages with a no-op function take no virtual time', async () => {
    const { clock, queue, poller, start } = setup();
    queue.sendMany(2000);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(clock.now() - start).toBe(0);
  });

  it('P-12 assembles a batch of BatchSize from several receives within the window', async () => {
    const { clock, queue, invoker, poller } = setup({ batchSize: 100, maxBatchingWindowMs: 5000 });
    queue.sendMany(250);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    const sizes = invoker.batches.map((b) => b.records.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    expect(Math.max(...sizes)).toBe(100);
    expect(queue.receives.every((r) => r.max <= 10)).toBe(true);
  });

  it('P-12 invokes with what arrived when the batching window ends', async () => {
    const { clock, queue, invoker, poller, start } = setup({
      batchSize: 100,
      maxBatchingWindowMs: 2000,
      scaling: { initial: 1, min: 1 },
    });
    queue.sendMany(5);
    void clock.sleep(500).then(() => queue.sendMany(5, (i) => ({ body: `late-${i}` })));
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    expect(invoker.batches[0]!.records).toHaveLength(10);
    expect(invoker.batches[0]!.at - start).toBeGreaterThanOrEqual(2000);
    expect(invoker.batches[0]!.at - start).toBeLessThan(3000);
  });

  it('P-12 closes a batch before the event would pass 6 MB and loses nothing', async () => {
    const MB = 1024 * 1024;
    const { clock, queue, invoker, poller } = setup({ batchSize: 100, maxBatchingWindowMs: 1000 });
    queue.sendMany(23, () => ({ sizeBytes: MB }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    const sizes = invoker.batches.map((b) => b.records.length);
    expect(Math.max(...sizes)).toBe(5);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(23);
    expect(new Set(invoker.ids).size).toBe(23);
  });

  it('SQS-12 extends visibility to window + function timeout + 30 s when they exceed the visibility timeout', async () => {
    const { clock, queue, invoker, poller, start } = setup({
      batchSize: 100,
      maxBatchingWindowMs: 20_000,
      functionTimeoutMs: 15_000,
      visibilityTimeoutMs: 30_000,
      scaling: { initial: 2, min: 2 }, // a second poller would pick up messages that came back
    });
    invoker.durationMs = 14_000;
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(queue.extendCalls[0]).toEqual({ ids: ['m-1', 'm-2', 'm-3'], visibleForMs: 65_000, at: start });
    // filled for 20 s, ran for 14 s: past the 30 s visibility timeout, yet delivered once and deleted
    expect(invoker.batches).toHaveLength(1);
    expect(invoker.batches[0]!.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  });

  it('stop hands back messages received but not yet invoked', async () => {
    const MB = 1024 * 1024;
    const { clock, queue, invoker, poller } = setup({
      batchSize: 10,
      scaling: { initial: 1, min: 1 },
    });
    invoker.durationMs = 1000;
    queue.sendMany(10, () => ({ sizeBytes: MB }));
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    expect(invoker.batches[0]!.records).toHaveLength(5); // 5 × 1 MB fit under 6 MB, the 6th would not
    expect(poller.status().buffered).toBe(5);
    const stopped = poller.stop(5000);
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(queue.released).toHaveLength(5);
    expect(queue.deletedIds).toHaveLength(5); // the running batch finished inside the grace period
  });

  it('stop hands back a batch that is still filling instead of invoking it', async () => {
    const { clock, queue, invoker, poller } = setup({
      batchSize: 100,
      maxBatchingWindowMs: 10_000,
      scaling: { initial: 1, min: 1 },
    });
    queue.sendMany(3);
    poller.start();
    await runFor(clock, 1000);
    const stopped = poller.stop(5000);
    expect(poller.stop(5000)).toBe(stopped);
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(invoker.batches).toHaveLength(0);
    expect(queue.released.sort()).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('stop aborts invocations that outlive the grace period and releases their messages', async () => {
    const { clock, queue, invoker, poller } = setup({ scaling: { initial: 1, min: 1 } });
    invoker.durationMs = 60_000;
    queue.sendMany(3);
    poller.start();
    await runUntil(clock, () => invoker.batches.length === 1);
    const stopped = poller.stop(1000);
    await runUntil(clock, () => poller.status().workers === 0);
    await stopped;
    expect(queue.deletedIds).toEqual([]);
    expect(queue.released.sort()).toEqual(['m-1', 'm-2', 'm-3']);
  });
});

describe('queue poller: scaling', () => {
  it('SQS-2 starts with 5 concurrent batches', async () => {
    const { clock, queue, invoker, poller, start } = setup();
    invoker.durationMs = 1000;
    queue.sendMany(1000);
    poller.start();
    await runFor(clock, 150);
    expect(invoker.concurrencyLog.filter((c) => c.at < start + 150).map((c) => c.concurrent)).toContain(5);
    expect(invoker.maxConcurrent).toBe(5);
  });

  it('SQS-3 adds concurrent batches while a backlog remains, at the configured rate', async () => {
    const { clock, queue, invoker, poller } = setup({
      scaling: { addPerMinute: 600 },
      backlogIntervalMs: 0,
    });
    invoker.durationMs = 1000;
    queue.sendMany(20_000);
    poller.start();
    await runFor(clock, 10_000);
    // 10 per second for ~10 s on top of the first 5
    expect(invoker.maxConcurrent).toBeGreaterThanOrEqual(80);
    expect(invoker.maxConcurrent).toBeLessThanOrEqual(106);
  });

  it('SQS-6 never runs more batches than MaximumConcurrency', async () => {
    const { clock, queue, invoker, poller, metrics } = setup({
      maximumConcurrency: 8,
      scaling: { addPerMinute: 6000 },
    });
    invoker.durationMs = 500;
    queue.sendMany(2000);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.maxConcurrent).toBe(8);
    expect(Math.max(...metrics.gaugeHistory.filter((g) => g.name === M.concurrency).map((g) => g.value))).toBe(8);
  });

  it("D-10 never runs more batches than the function's concurrency limit", async () => {
    const { clock, queue, invoker, poller } = setup({ concurrencyLimit: 7, scaling: { addPerMinute: 6000 } });
    invoker.durationMs = 500;
    queue.sendMany(2000);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.maxConcurrent).toBe(7);
    expect(poller.status().concurrency).toBeLessThanOrEqual(7);
  });

  it('SQS-4 shrinks to 2 pollers when the queue goes idle', async () => {
    const { clock, queue, poller } = setup({ scaling: { addPerMinute: 6000 } });
    queue.sendMany(3000);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    await runFor(clock, 200_000);
    expect(poller.status()).toMatchObject({ concurrency: 2, workers: 2 });
  });

  it('SQS-13 function errors lower the concurrency', async () => {
    const { clock, queue, invoker, poller } = setup();
    invoker.handler = () => fnError();
    invoker.durationMs = 100;
    queue.sendMany(500);
    poller.start();
    await runFor(clock, 2000);
    expect(poller.status().concurrency).toBe(2);
  });

  it('SQS-13 with ReportBatchItemFailures function errors do not lower the concurrency', async () => {
    const { clock, queue, invoker, poller } = setup({ reportBatchItemFailures: true, backlogIntervalMs: 0 });
    invoker.handler = () => fnError();
    invoker.durationMs = 100;
    queue.sendMany(500);
    poller.start();
    await runFor(clock, 2000);
    expect(poller.status().concurrency).toBeGreaterThanOrEqual(5);
  });

  it('writes the backlog and concurrency gauges', async () => {
    const { clock, queue, invoker, metrics, poller } = setup({ backlogIntervalMs: 1000 });
    invoker.durationMs = 5000;
    queue.sendMany(200);
    poller.start();
    await runFor(clock, 1500);
    // sampled at 1 s: 200 - 5 batches of 10; a backlog for 1 s at 300/min adds 5 batches
    expect(metrics.gauges.get(M.backlog)).toBe(150);
    expect(metrics.gauges.get(M.inflight)).toBe(10);
    expect(metrics.gauges.get(M.concurrency)).toBe(10);
  });
});

describe('queue poller: FIFO', () => {
  const fifo = { fifo: true, batchSize: 10 } as const;

  it('SQS-23 delivers each message group in order with one batch per group in flight (SQS-24)', async () => {
    const { clock, queue, invoker, poller } = setup(fifo);
    const active = new Set<string>();
    let overlap = false;
    invoker.handler = async (records) => {
      const groups = new Set(records.map((r) => r.attributes.MessageGroupId!));
      for (const g of groups) if (active.has(g)) overlap = true;
      for (const g of groups) active.add(g);
      await clock.sleep(10 + records.length);
      for (const g of groups) active.delete(g);
      return ok();
    };
    queue.sendMany(90, (i) => ({ body: `g${i % 3}-${Math.floor(i / 3)}`, groupId: `g${i % 3}` }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(overlap).toBe(false);
    for (const g of ['g0', 'g1', 'g2']) {
      const seen = invoker.batches.flatMap((b) => bodies(b.records)).filter((b) => b.startsWith(`${g}-`));
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `${g}-${i}`));
    }
  });

  it('SQS-24 later messages of a failed group wait for its retries while other groups continue', async () => {
    const { clock, queue, invoker, poller, start } = setup({ ...fifo, batchSize: 5 });
    let failedOnce = false;
    invoker.handler = (records) => {
      if (!failedOnce && records.some((r) => r.attributes.MessageGroupId === 'a')) {
        failedOnce = true;
        return fnError();
      }
      return ok();
    };
    queue.sendMany(5, (i) => ({ body: `a-${i}`, groupId: 'a' }));
    queue.sendMany(50, (i) => ({ body: `b-${i}`, groupId: 'b' }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    const seen = invoker.batches.flatMap((b) => b.records.map((r) => ({ body: r.body, at: b.at - start })));
    const bDone = Math.max(...seen.filter((s) => s.body.startsWith('b-')).map((s) => s.at));
    expect(bDone).toBeLessThan(30_000);
    const aSuccess = seen.filter((s) => s.body.startsWith('a-') && s.at >= 30_000);
    expect(aSuccess.map((s) => s.body)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    expect(seen.filter((s) => s.body.startsWith('a-') && s.at > 0 && s.at < 30_000)).toEqual([]);
  });

  it('SQS-21 with partial responses the failed and unprocessed messages are retried in group order', async () => {
    const { clock, queue, invoker, poller } = setup({ ...fifo, reportBatchItemFailures: true });
    invoker.handler = (records, call) => {
      if (call > 0) return ok();
      // the function stops at a-2 and reports it and everything after it
      const failed = records.filter((r) => Number(r.body.split('-')[1]) >= 2);
      return ok({ batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) });
    };
    queue.sendMany(5, (i) => ({ body: `a-${i}`, groupId: 'a' }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches.map((b) => bodies(b.records))).toEqual([
      ['a-0', 'a-1', 'a-2', 'a-3', 'a-4'],
      ['a-2', 'a-3', 'a-4'],
    ]);
  });

  it('SQS-24 a 6 MB split keeps the rest of a group back until the first batch is done', async () => {
    const MB = 1024 * 1024;
    const { clock, queue, invoker, poller } = setup(fifo);
    invoker.durationMs = 100;
    queue.sendMany(10, (i) => ({ body: `a-${i}`, groupId: 'a', sizeBytes: 2 * MB }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.maxConcurrent).toBe(1);
    expect(invoker.batches.flatMap((b) => bodies(b.records))).toEqual(Array.from({ length: 10 }, (_, i) => `a-${i}`));
  });
});

describe('queue poller: filtering', () => {
  it('SQS-26 deletes messages that match no filter and counts them (FLT-11)', async () => {
    const filter: RecordFilter = { matches: (r) => String(r['body']).startsWith('keep') };
    const { clock, queue, invoker, metrics, poller } = setup({}, filter);
    queue.sendMany(20, (i) => ({ body: i % 2 === 0 ? `keep-${i}` : `drop-${i}` }));
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches.flatMap((b) => bodies(b.records)).every((b) => b.startsWith('keep'))).toBe(true);
    expect(invoker.ids).toHaveLength(10);
    expect(metrics.count(M.polled)).toBe(20);
    expect(metrics.count(M.filtered)).toBe(10);
    expect(metrics.count(M.invoked)).toBe(10);
    expect(metrics.count(M.deleted)).toBe(20);
  });

  it('SQS-26 a batch whose messages are all filtered out does not invoke the function', async () => {
    const { clock, queue, invoker, poller } = setup({}, { matches: () => false });
    queue.sendMany(30);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.batches).toHaveLength(0);
  });

  it('keeps a message when the filter throws', async () => {
    const filter: RecordFilter = {
      matches: () => {
        throw new Error('bad pattern');
      },
    };
    const { clock, queue, invoker, poller } = setup({}, filter);
    queue.sendMany(2);
    poller.start();
    await runUntil(clock, () => queue.live.length === 0);
    expect(invoker.ids).toHaveLength(2);
  });
});
