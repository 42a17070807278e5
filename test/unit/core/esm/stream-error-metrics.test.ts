// MET-4 ErrorCount per mapping on the stream engine: failed invocations (one per batch), failed checkpoint writes
// and failed on-failure destination sends, each counted with the mapping's labels.
import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { MemoryStateStore } from '../../../../src/state/memory.js';
import { fnError, ok, systemError } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

describe('stream mapping error metrics', () => {
  it('MET-4 InvokeErrorCount: one per failed batch invocation (function and system errors), not per record', async () => {
    const h = harness({ batchSize: 3, maximumRetryAttempts: 1 });
    h.source.put('shard-0', ['a', 'b', 'c']);
    const results = [systemError(), fnError(), ok()];
    h.invoker.behaviour = () => results.shift() ?? ok();
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 3);
    await h.clock.advance(10);
    expect(h.metrics.count(StreamMetric.invokeErrors)).toBe(2);
    expect(h.metrics.labels.get(StreamMetric.invokeErrors)).toMatchObject({ mapping: h.options.mappingId });
    await h.stop();
  });

  it('MET-4 CommitErrorCount: a failed checkpoint write is counted, and the position is written later', async () => {
    const clock = new SimClock();
    const store = new MemoryStateStore({ clock });
    const set = store.checkpoints.set.bind(store.checkpoints);
    let failures = 1;
    store.checkpoints.set = (...args) => (failures-- > 0 ? Promise.reject(new Error('store down')) : set(...args));
    const h = harness({ batchSize: 1 }, { clock, store });
    const recs = h.source.put('shard-0', ['a', 'b']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    await h.clock.runUntil(() => h.metrics.count(StreamMetric.commitErrors) === 1);
    await h.clock.advance(5000);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    expect(h.metrics.count(StreamMetric.commitErrors)).toBe(1);
    await h.stop();
  });

  it('MET-4 OnFailureDestinationDeliveryErrorCount: each failed send to the on-failure destination', async () => {
    const h = harness({ batchSize: 1, maximumRetryAttempts: 0, withDestination: true });
    h.destination.failNext = 2;
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = () => fnError();
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    expect(h.metrics.count(StreamMetric.onFailureDeliveryErrors)).toBe(2);
    expect(h.metrics.count(StreamMetric.onFailureDelivered)).toBe(1);
    await h.stop();
  });
});
