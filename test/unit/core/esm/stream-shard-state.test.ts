import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { fnError, ok, throttle } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const state = (h: ReturnType<typeof harness>, s: string) => h.metrics.states.get(`${StreamMetric.shardState}:${s}`);

describe('shard-state gauge and stream retries counter', () => {
  it('STR-10 STR-12 a failing shard is counted as retrying, each re-invoke counts a retry, then running again', async () => {
    const h = harness({ batchSize: 2 });
    h.source.put('shard-0', ['a', 'b', 'c']);
    h.invoker.behaviour = (_c, i) => (i === 0 ? fnError() : i === 1 ? throttle() : i === 2 ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 2);
    expect(state(h, 'retrying')).toBe(1);
    expect(state(h, 'running')).toBe(0);
    await h.clock.runUntil(() => h.invoker.seen.includes('c'));
    await h.clock.advance(10);
    expect(h.metrics.count(StreamMetric.retries)).toBe(3);
    expect(state(h, 'retrying')).toBe(0);
    expect(state(h, 'running')).toBe(1);
    await h.stop();
    expect(state(h, 'running')).toBe(0);
  });

  it('STR-30 a shard whose on-failure destination refuses the records is counted as blocked', async () => {
    const h = harness({ maximumRetryAttempts: 0, batchSize: 1, withDestination: true });
    h.source.put('shard-0', ['bad', 'next']);
    h.destination.failNext = 3;
    h.invoker.behaviour = (c) => (c.data[0] === 'bad' ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.metrics.count(StreamMetric.destinationDeliveryFailures) === 1);
    expect(state(h, 'blocked')).toBe(1);
    await h.clock.runUntil(() => h.invoker.seen.includes('next'));
    await h.clock.advance(10);
    expect(state(h, 'blocked')).toBe(0);
    expect(state(h, 'running')).toBe(1);
    await h.stop();
  });
});
