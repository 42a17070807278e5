import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/state/memory.js';
import { FakeStreamSource } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

const shardIds = ['s0', 's1', 's2', 's3'];

async function owners(store: MemoryStateStore): Promise<Map<string, string>> {
  return store.leases.owners('m-1/shard/');
}

describe('shard leases', () => {
  it('two mappings sharing one LeaseStore split the shards; when one stops the other takes over without loss', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock);
    for (const id of shardIds) source.addShard(id);
    const store = new MemoryStateStore({ clock });
    const opts = { leaseTtlMs: 3000, shardDiscoveryIntervalMs: 1000, batchSize: 2 };
    const a = harness({ ...opts, instanceId: 'a' }, { clock, source, store, leases: true });
    const b = harness({ ...opts, instanceId: 'b' }, { clock, source, store, leases: true });
    for (const id of shardIds)
      source.put(
        id,
        [1, 2, 3].map((n) => `${id}-${n}`),
      );
    await a.mapping.start();
    await b.mapping.start();

    let split = false;
    for (let i = 0; i < 60 && !split; i++) {
      await clock.advance(1000);
      const held = [...(await owners(store)).values()];
      split = held.filter((o) => o === 'a').length === 2 && held.filter((o) => o === 'b').length === 2;
    }
    expect(split).toBe(true);
    await clock.advance(5000);
    const seenBefore = new Set([...a.invoker.seen, ...b.invoker.seen]);
    expect(seenBefore.size).toBe(12);

    await a.stop(1000);
    for (const id of shardIds)
      source.put(
        id,
        [4, 5].map((n) => `${id}-${n}`),
      );
    await clock.runUntil(() => shardIds.every((id) => b.invoker.seen.includes(`${id}-5`)), 60_000);
    const all = new Set([...a.invoker.seen, ...b.invoker.seen]);
    for (const id of shardIds) for (const n of [1, 2, 3, 4, 5]) expect(all.has(`${id}-${n}`)).toBe(true);
    // A graceful hand-over replays nothing: every record was invoked exactly once.
    expect([...a.invoker.seen, ...b.invoker.seen]).toHaveLength(20);
    // Per shard, what b saw after the takeover is in order and starts after a's checkpoint (no gap, no replay).
    for (const id of shardIds) {
      const fromB = b.invoker.seen.filter((d) => d.startsWith(`${id}-`));
      expect(fromB).toEqual([...fromB].sort());
    }
    expect([...(await owners(store)).values()].every((o) => o === 'b')).toBe(true);
    await b.stop();
    expect((await owners(store)).size).toBe(0);
  });

  it('three mappings on four shards end up 2/1/1, not 2/2/0: every process works', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock);
    for (const id of shardIds) source.addShard(id);
    const store = new MemoryStateStore({ clock });
    const opts = { leaseTtlMs: 3000, shardDiscoveryIntervalMs: 1000 };
    const hs = ['a', 'b', 'c'].map((instanceId) =>
      harness({ ...opts, instanceId }, { clock, source, store, leases: true }),
    );
    // The first one alone takes every shard, then must give some up to the others.
    await hs[0]!.mapping.start();
    await clock.advance(1000);
    for (const h of hs.slice(1)) await h.mapping.start();
    let counts: number[] = [];
    for (let i = 0; i < 60; i++) {
      await clock.advance(1000);
      const held = [...(await owners(store)).values()];
      counts = ['a', 'b', 'c'].map((o) => held.filter((h) => h === o).length);
      if (counts.every((c) => c >= 1) && held.length === 4) break;
    }
    expect(counts).toEqual([2, 1, 1]);
    for (const h of hs) await h.stop();
  });

  it('takes over an expired lease of a crashed owner', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('s0');
    const store = new MemoryStateStore({ clock });
    await store.leases.acquire('m-1/shard/s0', 'ghost', 5000);
    source.put('s0', ['x']);
    const h = harness({ leaseTtlMs: 3000, instanceId: 'b' }, { clock, source, store, leases: true });
    const start = clock.now();
    await h.mapping.start();
    await clock.runUntil(() => h.invoker.seen.includes('x'));
    expect(h.invoker.calls[0]!.at - start).toBeGreaterThanOrEqual(5000);
    await h.stop();
  });

  it('stops processing when its leases could not be renewed for a whole ttl', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('s0');
    const store = new MemoryStateStore({ clock });
    const h = harness({ leaseTtlMs: 3000, instanceId: 'a', batchSize: 1 }, { clock, source, store, leases: true });
    source.put('s0', ['x']);
    await h.mapping.start();
    await clock.runUntil(() => h.invoker.seen.includes('x'));
    store.leases.renew = () => Promise.reject(new Error('redis down'));
    await clock.advance(4000);
    source.put('s0', ['y']);
    await clock.advance(10_000);
    expect(h.invoker.seen).toEqual(['x']);
    await h.stop();
  });

  it('a source that reports a shard change (Kafka rebalance) gets its new shards started at once, not at the next discovery', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock);
    source.addShard('s0');
    const h = harness({ shardDiscoveryIntervalMs: 600_000 }, { clock, source });
    await h.mapping.start();
    await clock.advance(100);
    source.addShard('s1');
    source.put('s1', ['s1-1']);
    source.notifyShardsChanged();
    // Within 5 s of virtual time, far before the 10-minute discovery tick (runUntil throws past it).
    await clock.runUntil(() => h.invoker.seen.includes('s1-1'), 5_000);
    await h.stop();
  });
});
