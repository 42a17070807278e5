import { describe, expect, it } from 'vitest';
import type { AsyncEvent } from '../../../src/ports/async-queue.js';
import { createMemoryAsyncQueue } from '../../../src/state/async-memory.js';

const event = (id: string, dueAtMs = 0, enqueuedAtMs = 0): AsyncEvent => ({
  id,
  functionName: 'fn',
  qualifier: '$LATEST',
  payload: Buffer.from('{}').toString('base64'),
  enqueuedAtMs,
  dueAtMs,
  attempts: 0,
  throttleRetries: 0,
});

describe('memory async queue', () => {
  it('claims only due events, oldest due first, each by one owner', async () => {
    const q = createMemoryAsyncQueue();
    await q.enqueue(event('late', 500));
    await q.enqueue(event('b', 20));
    await q.enqueue(event('a', 10));
    const first = await q.claim('p1', 1, 100, 1_000);
    const second = await q.claim('p2', 10, 100, 1_000);
    expect(first.map((e) => e.id)).toEqual(['a']);
    expect(second.map((e) => e.id)).toEqual(['b']);
    expect(await q.claim('p3', 10, 100, 1_000)).toEqual([]);
    expect(first[0]?.claimDeadlineMs).toBe(1_100);
  });

  it('keeps the first copy of a repeated request id', async () => {
    const q = createMemoryAsyncQueue();
    await q.enqueue(event('x'));
    await q.enqueue({ ...event('x'), payload: 'other' });
    expect(await q.depth()).toBe(1);
  });

  it('only the owner completes or reschedules; reschedule stores the attempt state', async () => {
    const q = createMemoryAsyncQueue();
    await q.enqueue(event('x'));
    await q.claim('p1', 1, 0, 1_000);
    expect(await q.complete('x', 'p2')).toBe(false);
    expect(await q.reschedule('x', 'p1', 50, { attempts: 1, throttleRetries: 2 })).toBe(true);
    expect(await q.claim('p1', 1, 49, 1_000)).toEqual([]);
    const [again] = await q.claim('p2', 1, 50, 1_000);
    expect(again).toMatchObject({ id: 'x', attempts: 1, throttleRetries: 2, dueAtMs: 50 });
    expect(await q.complete('x', 'p1')).toBe(false);
    expect(await q.complete('x', 'p2')).toBe(true);
    expect(await q.depth()).toBe(0);
  });

  it('recovers a claim after its deadline unless it was extended', async () => {
    const q = createMemoryAsyncQueue();
    await q.enqueue(event('x'));
    await q.enqueue(event('y'));
    await q.claim('p1', 2, 0, 1_000);
    expect(await q.extendClaims('p1', ['y'], 5_000)).toEqual([]);
    expect(await q.recoverExpiredClaims(999)).toBe(0);
    expect(await q.recoverExpiredClaims(1_000)).toBe(1);
    expect((await q.claim('p2', 5, 1_000, 1_000)).map((e) => e.id)).toEqual(['x']);
    expect(await q.extendClaims('p1', ['x', 'y'], 9_000)).toEqual(['x']);
  });

  it('reports depth and the age of the oldest event', async () => {
    const q = createMemoryAsyncQueue();
    expect(await q.oldestAgeMs(100)).toBe(0);
    await q.enqueue(event('a', 0, 40));
    await q.enqueue(event('b', 0, 10));
    expect(await q.depth()).toBe(2);
    expect(await q.oldestAgeMs(100)).toBe(90);
  });

  it('hands out a large backlog in due order across reschedules', async () => {
    const q = createMemoryAsyncQueue();
    const dues = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    for (const [i, d] of dues.entries()) await q.enqueue(event(`e${i}`, d));
    const firstHalf = await q.claim('p', 500, 10_000, 1_000);
    for (const e of firstHalf.slice(0, 100)) await q.reschedule(e.id, 'p', 5_000, { attempts: 1, throttleRetries: 0 });
    const rest = await q.claim('p', 2_000, 10_000, 1_000);
    const order = [...firstHalf, ...rest].map((e) => e.dueAtMs);
    expect(firstHalf.map((e) => e.dueAtMs)).toEqual([...firstHalf.map((e) => e.dueAtMs)].sort((a, b) => a - b));
    expect(rest.map((e) => e.dueAtMs)).toEqual([...rest.map((e) => e.dueAtMs)].sort((a, b) => a - b));
    expect(order).toHaveLength(1100);
    expect(rest.slice(-100).every((e) => e.dueAtMs === 5_000 && e.attempts === 1)).toBe(true);
  });
});
