import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/state/memory.js';

function fakeNow() {
  const c = { t: 1000, now: () => c.t };
  return c;
}

describe('MemoryStateStore', () => {
  it('keeps checkpoints and finished marks per mapping and shard', async () => {
    const s = new MemoryStateStore();
    expect(await s.checkpoints.get('m', 'a')).toBeUndefined();
    await s.checkpoints.set('m', 'a', '5');
    await s.checkpoints.set('m2', 'a', '9');
    expect(await s.checkpoints.get('m', 'a')).toBe('5');
    expect(await s.checkpoints.get('m2', 'a')).toBe('9');
    expect(await s.checkpoints.isFinished('m', 'a')).toBe(false);
    await s.checkpoints.markFinished('m', 'a');
    expect(await s.checkpoints.isFinished('m', 'a')).toBe(true);
    expect(await s.checkpoints.isFinished('m2', 'a')).toBe(false);
  });

  it('leases: exclusive, renewable by the owner, expire, and can be taken once expired or released', async () => {
    const clock = fakeNow();
    const { leases } = new MemoryStateStore({ clock });
    expect(await leases.acquire('k', 'a', 100)).toBe(true);
    expect(await leases.acquire('k', 'b', 100)).toBe(false);
    expect(await leases.renew('k', 'b', 100)).toBe(false);
    clock.t += 90;
    expect(await leases.renew('k', 'a', 100)).toBe(true);
    clock.t += 90;
    expect(await leases.acquire('k', 'b', 100)).toBe(false);
    clock.t += 20;
    expect(await leases.acquire('k', 'b', 100)).toBe(true);
    expect(await leases.renew('k', 'a', 100)).toBe(false);
    await leases.release('k', 'a'); // not the owner: no effect
    expect((await leases.owners('')).get('k')).toBe('b');
    await leases.release('k', 'b');
    expect(await leases.acquire('k', 'a', 100)).toBe(true);
  });

  it('owners lists live leases under a prefix only', async () => {
    const clock = fakeNow();
    const { leases } = new MemoryStateStore({ clock });
    await leases.acquire('m/shard/1', 'a', 100);
    await leases.acquire('m/shard/2', 'b', 50);
    await leases.acquire('other/shard/1', 'c', 100);
    expect(await leases.owners('m/')).toEqual(
      new Map([
        ['m/shard/1', 'a'],
        ['m/shard/2', 'b'],
      ]),
    );
    clock.t += 60;
    expect(await leases.owners('m/')).toEqual(new Map([['m/shard/1', 'a']]));
  });
});
