import { describe, expect, it } from 'vitest';
import { tickBatcher } from '../../../src/state/tick-batch.js';

function recording(fail?: (items: string[]) => Error | undefined) {
  const calls: string[][] = [];
  const batcher = tickBatcher<string, string>(
    (items) => {
      calls.push(items);
      const err = fail?.(items);
      return err ? Promise.reject(err) : Promise.resolve(items.map((i) => `ok:${i}`));
    },
    { maxItems: 3, maxBytes: 10, bytes: (s) => s.length },
  );
  return { calls, batcher };
}

describe('tick batcher (the Redis async queue batches per event-loop tick)', () => {
  it('ASY-1 calls of one tick share store calls, split at maxItems; each caller gets its own result', async () => {
    const { calls, batcher } = recording();
    const out = await Promise.all(['a', 'b', 'c', 'd'].map((x) => batcher.add(x)));
    expect(out).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('splits at maxBytes, and an item bigger than maxBytes goes alone', async () => {
    const { calls, batcher } = recording();
    await Promise.all(['aaaa', 'bbbb', 'cccc', 'x'.repeat(20), 'd'].map((x) => batcher.add(x)));
    expect(calls).toEqual([['aaaa', 'bbbb'], ['cccc'], ['x'.repeat(20)], ['d']]);
  });

  it('calls of a later tick go in a later store call', async () => {
    const { calls, batcher } = recording();
    const first = batcher.add('a');
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, batcher.add('b')]);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('ASY-1 a failed store call rejects every caller in it with its error, and only those', async () => {
    const boom = new Error('boom');
    const { batcher } = recording((items) => (items.includes('d') ? boom : undefined));
    const out = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((x) => batcher.add(x)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((out[3] as PromiseRejectedResult).reason).toBe(boom);
  });

  it('drain() sends what is pending and waits for it', async () => {
    const { calls, batcher } = recording();
    const p = batcher.add('a');
    await batcher.drain();
    expect(calls).toEqual([['a']]);
    await expect(p).resolves.toBe('ok:a');
  });
});
