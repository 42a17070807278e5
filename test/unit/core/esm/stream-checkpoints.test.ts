import { describe, expect, it } from 'vitest';
import { laneOf } from '../../../../src/core/esm/lane-hash.js';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { MemoryStateStore } from '../../../../src/state/memory.js';
import { FakeStreamSource, fnError, ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

describe('stream checkpoints, resume, lineage, lanes', () => {
  it('STR-9 checkpoints only after the batch is done', async () => {
    const h = harness();
    const recs = h.source.put('shard-0', ['a', 'b']);
    let release: () => void = () => {};
    h.invoker.behaviour = () => new Promise((resolve) => (release = () => resolve(ok())));
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    await h.clock.advance(5000);
    expect(await h.checkpoint()).toBeUndefined();
    release();
    await h.clock.advance(10);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });

  it('resumes after the checkpoint and never re-applies StartingPosition when one exists', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('shard-0');
    const store = new MemoryStateStore({ clock });
    const recs = source.put('shard-0', ['a', 'b', 'c', 'd']);
    await store.checkpoints.set('m-1', 'shard-0', recs[1]!.position);
    const h = harness({ startingPosition: { type: 'LATEST' } }, { clock, source, store });
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    expect(h.invoker.seen).toEqual(['c', 'd']);
    expect(source.opens[0]!.from).toEqual({ type: 'AFTER', position: recs[1]!.position });
    await h.stop();
  });

  it('a stopped mapping restarted on the same store continues where it left off, without gaps', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('shard-0');
    const store = new MemoryStateStore({ clock });
    source.put('shard-0', ['a', 'b', 'c']);
    const first = harness({ batchSize: 1 }, { clock, source, store });
    first.invoker.behaviour = (c) => (c.data[0] === 'c' ? fnError() : ok());
    await first.mapping.start();
    await clock.runUntil(() => first.invoker.seen.includes('c'));
    await first.stop(100);
    source.put('shard-0', ['d']);
    const second = harness({ batchSize: 1 }, { clock, source, store });
    await second.mapping.start();
    await clock.runUntil(() => second.invoker.seen.includes('d'));
    expect(second.invoker.seen).toEqual(['c', 'd']);
    await second.stop();
  });

  it('reopens after an expired iterator from the last position, without loss or replay', async () => {
    const h = harness({ batchSize: 2 });
    h.source.put('shard-0', ['a', 'b']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    h.source.failReads = 2;
    h.source.put('shard-0', ['c', 'd']);
    await h.clock.runUntil(() => h.invoker.seen.includes('d'));
    expect(h.invoker.seen).toEqual(['a', 'b', 'c', 'd']);
    // Two failed reads: two reopens, each after the last position read.
    expect(h.source.opens.length).toBe(3);
    expect(h.source.opens.slice(1).map((o) => o.from)).toEqual([
      { type: 'AFTER', position: expect.any(String) as unknown },
      { type: 'AFTER', position: expect.any(String) as unknown },
    ]);
    await h.stop();
  });

  it('STR-40 a child shard starts only after its parent is finished; the closed parent is marked finished', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('parent').addShard('child', ['parent']);
    source.put('parent', ['p1', 'p2', 'p3']);
    source.put('child', ['c1', 'c2']);
    source.closeShard('parent');
    const h = harness({ batchSize: 1 }, { clock, source });
    h.invoker.behaviour = async () => {
      await clock.sleep(100);
      return ok();
    };
    await h.mapping.start();
    await clock.runUntil(() => h.invoker.seen.length === 5);
    expect(h.invoker.seen).toEqual(['p1', 'p2', 'p3', 'c1', 'c2']);
    expect(await h.store.checkpoints.isFinished('m-1', 'parent')).toBe(true);
    expect(await h.store.checkpoints.isFinished('m-1', 'child')).toBe(false);
    await h.stop();
  });

  it('STR-40 a merged child waits for both parents', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('p1').addShard('p2').addShard('merged', ['p1', 'p2']);
    source.put('p1', ['a']);
    source.put('p2', ['b']);
    source.put('merged', ['m']);
    source.closeShard('p1');
    const h = harness({}, { clock, source });
    await h.mapping.start();
    await clock.advance(30_000);
    expect(h.invoker.seen.sort()).toEqual(['a', 'b']);
    source.closeShard('p2');
    await clock.runUntil(() => h.invoker.seen.includes('m'));
    await h.stop();
  });

  it('STR-6 D-2 an error blocks only its lane; per-key order holds; the checkpoint never passes an unfinished record', async () => {
    const keyA = 'key-a';
    const keyB = ['key-b', 'key-c', 'key-d', 'key-e'].find((k) => laneOf(k, 2) !== laneOf(keyA, 2))!;
    const h = harness({ parallelizationFactor: 2, batchSize: 1 });
    const recs = h.source.put('shard-0', [
      { data: 'a1', key: keyA },
      { data: 'b1', key: keyB },
      { data: 'a2', key: keyA },
      { data: 'b2', key: keyB },
      { data: 'b3', key: keyB },
    ]);
    let healthy = false;
    h.invoker.behaviour = async (c) => {
      await h.clock.sleep(10);
      return c.data[0] === 'a1' && !healthy ? fnError() : ok();
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('b3'));
    await h.clock.advance(5000);
    expect(h.invoker.maxInflight).toBe(2);
    expect(h.invoker.seen).not.toContain('a2');
    expect(await h.checkpoint()).toBeUndefined();
    healthy = true;
    await h.clock.runUntil(() => h.invoker.seen.includes('a2'));
    await h.clock.advance(5000);
    const order = h.invoker.seen.filter((d) => d.startsWith('a'));
    expect(order.slice(-2)).toEqual(['a1', 'a2']);
    expect(await h.checkpoint()).toBe(recs[4]!.position);
    expect(h.metrics.gauges.get(StreamMetric.backlog)).toBe(0);
    await h.stop();
  });

  it('a shard revoked while blocked by retries stops promptly and resumes from its checkpoint when reassigned', async () => {
    const h = harness({ batchSize: 1, retryBackoff: { baseMs: 60_000, maxMs: 600_000 } });
    const recs = h.source.put('shard-0', ['ok', 'bad', 'after']);
    let healthy = false;
    h.invoker.behaviour = (c) => (c.data[0] === 'bad' && !healthy ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.filter((d) => d === 'bad').length === 2);
    h.source.hidden.add('shard-0');
    await h.clock.advance(5000);
    expect(await h.checkpoint()).toBe(recs[0]!.position);
    healthy = true;
    h.source.hidden.delete('shard-0');
    // A fresh worker picks it up within a discovery period, long before the old minute-long backoff would end.
    await h.clock.runUntil(() => h.invoker.seen.includes('after'), 5000);
    expect(h.source.opens).toHaveLength(2);
    expect(h.source.opens[1]!.from).toEqual({ type: 'AFTER', position: recs[0]!.position });
    await h.stop();
  });

  it('stop(grace) during a blocked retry leaves the batch unacknowledged', async () => {
    const h = harness();
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = () => fnError();
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 3);
    await h.stop(1000);
    expect(await h.checkpoint()).toBeUndefined();
    const calls = h.invoker.calls.length;
    await h.clock.advance(60_000);
    expect(h.invoker.calls.length).toBe(calls);
  });
});
