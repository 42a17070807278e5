import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { AsyncEvent, AsyncQueue } from '../../../src/ports/async-queue.js';
import { createRedisAsyncQueue } from '../../../src/state/async-redis.js';
import { redisUrl } from './env.js';

const open: AsyncQueue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
});

/** A separate connection per call, as a separate sluice process would have. */
function store(prefix: string): AsyncQueue {
  const q = createRedisAsyncQueue({ url: redisUrl(), prefix });
  open.push(q);
  return q;
}

/** Runs crash-child.ts in `mode`, SIGKILLs it once it printed its first line, and returns that line. */
async function killedAfter(prefix: string, arg: string, mode: 'claim' | 'accept'): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), redisUrl(), prefix, arg, mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return line.trim();
}

const event = (id: string, dueAtMs = 0, enqueuedAtMs = 0): AsyncEvent => ({
  id,
  functionName: 'fn',
  qualifier: '$LATEST',
  payload: Buffer.from(`{"id":"${id}"}`).toString('base64'),
  enqueuedAtMs,
  dueAtMs,
  attempts: 0,
  throttleRetries: 0,
});

describe('redis async queue (real redis-server)', () => {
  it('two consumers never claim the same attempt', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = store(prefix);
    const b = store(prefix);
    const ids = Array.from({ length: 300 }, (_, i) => `e${i}`);
    await Promise.all(ids.map((id, i) => a.enqueue(event(id, i % 7))));
    const seen = { a: [] as string[], b: [] as string[] };
    const consume = async (q: AsyncQueue, out: string[], owner: string) => {
      for (;;) {
        const got = await q.claim(owner, 7, 100, 60_000);
        if (got.length === 0) return;
        out.push(...got.map((e) => e.id));
        await Promise.all(got.map((e) => q.complete(e.id, owner)));
      }
    };
    await Promise.all([consume(a, seen.a, 'pa'), consume(b, seen.b, 'pb')]);
    const all = [...seen.a, ...seen.b];
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    expect(seen.a.length).toBeGreaterThan(0);
    expect(seen.b.length).toBeGreaterThan(0);
    expect(await a.depth()).toBe(0);
  });

  it('claims only due events and keeps the attempt state across reschedules', async () => {
    const q = store(`t-${randomUUID()}`);
    await q.enqueue(event('x', 10, 5));
    expect(await q.claim('p1', 5, 9, 1_000)).toEqual([]);
    const [claimed] = await q.claim('p1', 5, 10, 1_000);
    expect(claimed).toMatchObject({ id: 'x', dueAtMs: 10, enqueuedAtMs: 5, claimDeadlineMs: 1_010 });
    const lastResponse = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled', payload: 'e30=' };
    expect(await q.reschedule('x', 'p2', 50, { attempts: 9, throttleRetries: 9 })).toBe(false);
    expect(
      await q.reschedule('x', 'p1', 50, {
        attempts: 1,
        throttleRetries: 3,
        lastResponse,
        lastError: { statusCode: 200, message: 'boom' },
      }),
    ).toBe(true);
    expect(await q.claim('p1', 5, 49, 1_000)).toEqual([]);
    const [again] = await q.claim('p2', 5, 50, 1_000);
    expect(again).toMatchObject({
      id: 'x',
      attempts: 1,
      throttleRetries: 3,
      lastResponse,
      lastError: { statusCode: 200, message: 'boom' },
    });
    expect(await q.complete('x', 'p1')).toBe(false);
    expect(await q.complete('x', 'p2')).toBe(true);
    expect(await q.depth()).toBe(0);
  });

  it('a claim that is never completed (crash) is recovered after its deadline, not before', async () => {
    const prefix = `t-${randomUUID()}`;
    const crashed = store(prefix);
    await crashed.enqueue(event('x'));
    await crashed.enqueue(event('y'));
    await crashed.claim('dead', 2, 1_000, 500);
    const survivor = store(prefix);
    expect(await survivor.extendClaims('dead', ['y'], 5_000)).toEqual([]);
    expect(await survivor.recoverExpiredClaims(1_499)).toBe(0);
    expect(await survivor.claim('alive', 5, 1_499, 1_000)).toEqual([]);
    expect(await survivor.recoverExpiredClaims(1_500)).toBe(1);
    const got = await survivor.claim('alive', 5, 1_500, 1_000);
    expect(got.map((e) => e.id)).toEqual(['x']);
    // The crashed owner's late answer must not remove the event another process now runs.
    expect(await crashed.complete('x', 'dead')).toBe(false);
    expect(await survivor.complete('x', 'alive')).toBe(true);
  });

  it('events and claims survive a SIGKILLed process and a new store instance', async () => {
    const prefix = `t-${randomUUID()}`;
    const before = store(prefix);
    for (let i = 0; i < 5; i++) await before.enqueue(event(`k${i}`, 0, Date.now()));
    await before.close();
    open.splice(open.indexOf(before), 1);

    expect(await killedAfter(prefix, '300', 'claim')).toBe('claimed 5');
    const claimedAt = Date.now();

    const after = store(prefix);
    expect(await after.depth()).toBe(5);
    expect(await after.claim('next', 10, Date.now(), 1_000)).toEqual([]);
    expect(await after.recoverExpiredClaims(claimedAt + 1_000)).toBe(5);
    const got = await after.claim('next', 10, claimedAt + 1_000, 1_000);
    expect(got.map((e) => e.id).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(Buffer.from(got[0]!.payload, 'base64').toString()).toMatch(/^\{"id":"k\d"\}$/);
  });

  it('reports depth and the oldest event age', async () => {
    const q = store(`t-${randomUUID()}`);
    expect(await q.oldestAgeMs(100)).toBe(0);
    // Fresh submits sit on the ready list (in submit order) until claimed; a delayed event is in the due set.
    await q.enqueue(event('a', 10, 10));
    await q.enqueue(event('b', 40, 40));
    expect(await q.depth()).toBe(2);
    expect(await q.oldestAgeMs(100)).toBe(90);
    await q.enqueue(event('c', 500, 5));
    expect(await q.depth()).toBe(3);
    expect(await q.oldestAgeMs(100)).toBe(95);
    // A claimed event still counts, with its enqueue time.
    expect((await q.claim('p', 1, 100, 1_000)).map((e) => e.id)).toEqual(['a']);
    expect(await q.depth()).toBe(3);
    expect(await q.oldestAgeMs(100)).toBe(95);
    expect(await q.complete('a', 'p')).toBe(true);
    expect(await q.depth()).toBe(2);
  });

  it('ASY-3 fresh submits and due retries are claimed oldest first (FIFO), across claims', async () => {
    const q = store(`t-${randomUUID()}`);
    for (let i = 0; i < 10; i++) await q.enqueue(event(`r${i}`, i * 10, i * 10));
    await q.enqueue(event('retry', 45, 0)); // due later than enqueued: in the due set
    const order: string[] = [];
    for (let got = await q.claim('p', 3, 1_000, 1_000); got.length > 0; got = await q.claim('p', 3, 1_000, 1_000))
      order.push(...got.map((e) => e.id));
    expect(order).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'retry', 'r5', 'r6', 'r7', 'r8', 'r9']);
    expect(await q.depth()).toBe(11);
  });

  it('ASY-3 a repeated request id while its first copy is queued, claimed or retrying runs once', async () => {
    const q = store(`t-${randomUUID()}`);
    // Queued twice: one claim takes both elements, drops the repeat and still fills the claim with the next event.
    await q.enqueue(event('x', 1, 1));
    await q.enqueue(event('x', 2, 2));
    await q.enqueue(event('w', 3, 3));
    expect((await q.claim('p', 2, 10, 1_000)).map((e) => e.id)).toEqual(['x', 'w']);
    // Repeated while claimed: dropped at the next claim.
    await q.enqueue(event('x', 4, 4));
    expect(await q.claim('p', 5, 10, 1_000)).toEqual([]);
    expect(await q.depth()).toBe(2);
    // Repeated while waiting for its retry: dropped; the retry keeps its attempt state.
    expect(await q.reschedule('x', 'p', 50, { attempts: 1, throttleRetries: 0 })).toBe(true);
    await q.enqueue(event('x', 5, 5));
    expect(await q.claim('p', 5, 10, 1_000)).toEqual([]);
    const [retry] = await q.claim('p', 5, 50, 1_000);
    expect(retry).toMatchObject({ id: 'x', attempts: 1, dueAtMs: 50, enqueuedAtMs: 1 });
    expect(await q.complete('x', 'p')).toBe(true);
    expect(await q.complete('w', 'p')).toBe(true);
    expect(await q.depth()).toBe(0);
  });

  it('ASY-3 a process SIGKILLed right after its submits were acknowledged loses none of them', async () => {
    const prefix = `t-${randomUUID()}`;
    expect(await killedAfter(prefix, '50', 'accept')).toBe('accepted 50');
    const after = store(prefix);
    expect(await after.depth()).toBe(50);
    const got = await after.claim('next', 100, Date.now(), 1_000);
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
    expect(Buffer.from(got[7]!.payload, 'base64').toString()).toBe('{"id":"a7"}');
    await Promise.all(got.map((e) => after.complete(e.id, 'next')));
    expect(await after.depth()).toBe(0);
  });

  it('ASY-3 a queue written by the layout before the ready list (events in the due set) is still drained', async () => {
    const prefix = `t-${randomUUID()}`;
    const r = new Redis(redisUrl());
    const key = (k: string) => `{${prefix}}:${k}`;
    // What ENQUEUE wrote for a submit before fresh submits went onto the ready list.
    for (const [i, id] of ['old0', 'old1'].entries()) {
      const { attempts, throttleRetries, dueAtMs, ...immutable } = event(id, i, i);
      await r.hset(key('events'), id, JSON.stringify(immutable));
      await r.hset(key('state'), id, JSON.stringify({ attempts, throttleRetries }));
      await r.zadd(key('due'), dueAtMs, id);
      await r.zadd(key('enq'), i, id);
    }
    await r.quit();
    const q = store(prefix);
    await q.enqueue(event('new', 5, 5));
    expect(await q.depth()).toBe(3);
    expect(await q.oldestAgeMs(100)).toBe(100);
    const got = await q.claim('p', 10, 100, 1_000);
    expect(got.map((e) => e.id)).toEqual(['old0', 'old1', 'new']);
    expect(got[1]).toMatchObject({ functionName: 'fn', attempts: 0, dueAtMs: 1, enqueuedAtMs: 1 });
    await Promise.all(got.map((e) => q.complete(e.id, 'p')));
    expect(await q.depth()).toBe(0);
  });

  it('a ready-list element not written by sluice is dropped by the claim instead of blocking the queue', async () => {
    const prefix = `t-${randomUUID()}`;
    const q = store(prefix);
    const r = new Redis(redisUrl());
    await r.lpush(`{${prefix}}:ready`, 'garbage');
    await q.enqueue(event('before', 1, 1));
    await r.lpush(`{${prefix}}:ready`, 'x 5 ab', '7 99 short');
    await r.quit();
    await q.enqueue(event('after', 2, 2));
    // The garbage at the tail has no enqueue time: the gauge reads 0 (not NaN) until a claim drops it.
    expect(await q.oldestAgeMs(10)).toBe(0);
    expect((await q.claim('p', 10, 10, 1_000)).map((e) => e.id)).toEqual(['before', 'after']);
    expect(await q.depth()).toBe(2);
    expect(await q.oldestAgeMs(10)).toBe(9);
  });
});
