// RedisStateStore against a real redis-server: checkpoints, finished shards and KCL-style leases
// (acquire, renew, expire, steal after expiry, release only by the owner, owners by prefix).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../../src/state/redis.js';
import { redisUrl } from '../redis-streams/env.js';

const stores: RedisStateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function store(keyPrefix = `test-${randomUUID()}`): RedisStateStore {
  const s = new RedisStateStore({ url: redisUrl(), keyPrefix });
  stores.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisStateStore (real redis-server)', () => {
  it('STR-9 keeps checkpoints per mapping and shard, visible to another process', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = store(prefix);
    const b = store(prefix);
    expect(await a.checkpoints.get('m1', 'shardId-0')).toBeUndefined();
    await a.checkpoints.set('m1', 'shardId-0', '4960118965842235937883629852182763847532018901230970472');
    await a.checkpoints.set('m2', 'shardId-0', '7');
    expect(await b.checkpoints.get('m1', 'shardId-0')).toBe('4960118965842235937883629852182763847532018901230970472');
    expect(await b.checkpoints.get('m2', 'shardId-0')).toBe('7');
    expect(await b.checkpoints.get('m1', 'shardId-1')).toBeUndefined();
  });

  it('STR-40 remembers finished shards', async () => {
    const s = store();
    expect(await s.checkpoints.isFinished('m1', 'parent')).toBe(false);
    await s.checkpoints.markFinished('m1', 'parent');
    expect(await s.checkpoints.isFinished('m1', 'parent')).toBe(true);
    expect(await s.checkpoints.isFinished('m2', 'parent')).toBe(false);
  });

  it('leases: acquire once, renew by the owner only, expire, then another owner takes it', async () => {
    const prefix = `test-${randomUUID()}`;
    const { leases } = store(prefix);
    const other = store(prefix).leases;
    expect(await leases.acquire('m1/shard/s0', 'a', 300)).toBe(true);
    expect(await other.acquire('m1/shard/s0', 'b', 300)).toBe(false);
    expect(await leases.acquire('m1/shard/s0', 'a', 300)).toBe(true); // already ours: extended
    expect(await other.renew('m1/shard/s0', 'b', 300)).toBe(false);
    await sleep(200);
    expect(await leases.renew('m1/shard/s0', 'a', 300)).toBe(true);
    await sleep(200);
    expect(await other.acquire('m1/shard/s0', 'b', 300)).toBe(false); // renewed, still a's
    await sleep(350);
    expect(await other.acquire('m1/shard/s0', 'b', 5000)).toBe(true); // expired: stolen
    expect(await leases.renew('m1/shard/s0', 'a', 300)).toBe(false); // a learns it lost the lease
    await leases.release('m1/shard/s0', 'a'); // not the owner: no effect
    expect((await other.owners('m1/')).get('m1/shard/s0')).toBe('b');
    await other.release('m1/shard/s0', 'b');
    expect(await leases.acquire('m1/shard/s0', 'a', 300)).toBe(true);
  });

  it('owners(prefix) lists live leases under a prefix only, matching glob characters literally', async () => {
    const { leases } = store();
    await leases.acquire('m*1/instance/i1', 'i1', 5000);
    await leases.acquire('m*1/shard/s0', 'i1', 5000);
    await leases.acquire('m*1/shard/s1', 'i2', 5000);
    await leases.acquire('mx1/shard/s0', 'i3', 5000);
    await leases.acquire('m*1/shard/gone', 'i2', 1);
    await sleep(20);
    const owners = await leases.owners('m*1/');
    expect(Object.fromEntries(owners)).toEqual({
      'm*1/instance/i1': 'i1',
      'm*1/shard/s0': 'i1',
      'm*1/shard/s1': 'i2',
    });
    expect([...(await leases.owners('m*1/shard/')).keys()].sort()).toEqual(['m*1/shard/s0', 'm*1/shard/s1']);
  });
});
