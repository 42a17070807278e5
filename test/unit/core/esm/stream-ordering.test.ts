import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const data = (n: number, prefix = 'r'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('stream shard worker: order, batching, cadence', () => {
  it('STR-5 STR-9 runs batches of one shard strictly in order, one in flight, and checkpoints the highest position', async () => {
    const h = harness({ batchSize: 100 });
    const recs = h.source.put('shard-0', data(250));
    h.invoker.behaviour = async () => {
      await h.clock.sleep(50);
      return ok();
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 250);
    await h.clock.advance(100);
    expect(h.invoker.calls.map((c) => c.data.length)).toEqual([100, 100, 50]);
    expect(h.invoker.seen).toEqual(data(250));
    expect(h.invoker.maxInflight).toBe(1);
    expect(await h.checkpoint()).toBe(recs[249]!.position);
    expect(h.metrics.count(StreamMetric.polled)).toBe(250);
    expect(h.metrics.count(StreamMetric.invoked)).toBe(250);
    expect(h.metrics.lastLabels).toEqual({ mapping: 'm-1', function: 'fn', source: 'kinesis' });
    // STR-27: iterator age of the last batch = time since its last record arrived (all put at t0, sent 100 ms later).
    expect(h.metrics.gauges.get(StreamMetric.iteratorAge)).toBe(0.1);
    expect(h.metrics.gauges.get(StreamMetric.backlog)).toBe(0);
    await h.stop();
  });

  it('STR-1 does not sleep between batches while behind', async () => {
    const h = harness({ batchSize: 10, pollIntervalMs: 1000 });
    h.source.put('shard-0', data(100));
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 100);
    const times = h.invoker.calls.map((c) => c.at);
    expect(times.length).toBe(10);
    expect(times[times.length - 1]! - times[0]!).toBe(0);
    await h.stop();
  });

  it('STR-1 STR-3 polls an idle shard at pollIntervalMs (D-13 overridable)', async () => {
    const h = harness({ pollIntervalMs: 250 });
    await h.mapping.start();
    await h.clock.advance(10_000);
    h.source.put('shard-0', ['late']);
    const putAt = h.clock.now();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    const delay = h.invoker.calls[0]!.at - putAt;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(250);
    await h.stop();
  });

  it('STR-4 a long-polling read does not hold back records already buffered', async () => {
    const h = harness({ batchSize: 2 });
    h.source.blockMs = 5000;
    h.source.put('shard-0', data(4));
    h.invoker.behaviour = async () => {
      await h.clock.sleep(10);
      return ok();
    };
    const start = h.clock.now();
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    expect(h.invoker.calls[1]!.at - start).toBeLessThan(100);
    await h.stop(10_000);
  });

  it('P-12 STR-4 closes a batch when the batching window expires', async () => {
    const h = harness({ batchSize: 100, maxBatchingWindowMs: 5000, pollIntervalMs: 100 });
    h.source.put('shard-0', data(3));
    const start = h.clock.now();
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    expect(h.invoker.calls[0]!.data).toEqual(data(3));
    expect(h.invoker.calls[0]!.at - start).toBeGreaterThanOrEqual(5000);
    expect(h.invoker.calls[0]!.at - start).toBeLessThan(5200);
    await h.stop();
  });

  it('P-12 closes a batch before the payload would pass 6 MB', async () => {
    const h = harness({ batchSize: 10 });
    h.source.put(
      'shard-0',
      data(5).map((d) => ({ data: d, sizeBytes: 2_500_000 })),
    );
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 5);
    expect(h.invoker.calls.map((c) => c.data.length)).toEqual([2, 2, 1]);
    await h.stop();
  });

  it('STR-42 filtered-out records are skipped and the checkpoint moves past them', async () => {
    const h = harness({
      filter: { matches: (r) => (r as { kinesis: { data: string } }).kinesis.data.startsWith('keep') },
    });
    const recs = h.source.put('shard-0', ['drop1', 'keep1', 'drop2', 'drop3']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    await h.clock.advance(100);
    expect(h.invoker.seen).toEqual(['keep1']);
    expect(await h.checkpoint()).toBe(recs[3]!.position);
    expect(h.metrics.count(StreamMetric.filteredOut)).toBe(3);
    await h.stop();
  });

  it('STR-42 a batch that is entirely filtered out still advances the checkpoint without invoking', async () => {
    const h = harness({ filter: { matches: () => false } });
    const recs = h.source.put('shard-0', data(7));
    await h.mapping.start();
    await h.clock.advance(2000);
    expect(h.invoker.calls).toHaveLength(0);
    expect(await h.checkpoint()).toBe(recs[6]!.position);
    await h.stop();
  });
});
