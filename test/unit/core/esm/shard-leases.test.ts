// Lease planning as an object with its own state: the share each instance holds, and leases not renewed in time.
import { describe, expect, it } from 'vitest';
import { ShardLeases } from '../../../../src/core/esm/shard-leases.js';
import type { ShardInfo } from '../../../../src/ports/sources.js';
import { MemoryStateStore } from '../../../../src/state/memory.js';
import { SimClock } from './helpers/sim-clock.js';

const shards = (n: number): ShardInfo[] => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, parentIds: [] }));

describe('ShardLeases', () => {
  it('every instance computes the same split: 4 shards on 3 instances are held 2/1/1, never 2/2/0', async () => {
    const clock = new SimClock();
    const store = new MemoryStateStore({ clock });
    const all = ['a', 'b', 'c'].map((id) => new ShardLeases(store.leases, 'm-1', id, 3_000, clock));
    for (const l of all) await l.heartbeat();
    const plans = await Promise.all(all.map((l) => l.plan(shards(4), [])));
    expect(plans.map((p) => p.target)).toEqual([2, 1, 1]);
    expect(plans.map((p) => p.room)).toEqual([2, 1, 1]);
  });

  it('a shard held by another instance is no candidate; shards beyond the share are shed', async () => {
    const clock = new SimClock();
    const store = new MemoryStateStore({ clock });
    const [a, b] = ['a', 'b'].map((id) => new ShardLeases(store.leases, 'm-1', id, 3_000, clock));
    await a!.heartbeat();
    for (const s of shards(4)) expect(await a!.acquire(s.id)).toBe(true);
    await b!.heartbeat();
    const planA = await a!.plan(shards(4), ['s0', 's1', 's2', 's3']);
    expect(planA.shed).toEqual(['s2', 's3']);
    const planB = await b!.plan(shards(4), []);
    expect(planB.candidates).toEqual([]);
    expect(planB.room).toBe(2);
  });

  it('a lease not renewed within its ttl is reported; a renewed one is not', async () => {
    const clock = new SimClock();
    const store = new MemoryStateStore({ clock });
    const leases = new ShardLeases(store.leases, 'm-1', 'a', 3_000, clock);
    await leases.acquire('s0');
    await leases.acquire('s1');
    clock.t += 2_000;
    expect(await leases.renew(['s1'])).toEqual([]);
    clock.t += 1_000;
    expect(leases.unrenewed(['s0', 's1'])).toEqual(['s0']);
  });
});
