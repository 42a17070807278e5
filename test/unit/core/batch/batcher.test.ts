// The core's one batcher (stream lanes use it; the queue poller can): BatchSize, batching window, payload cap.
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../../src/core/batch/batcher.js';

const limits = { batchSize: 3, maxBatchingWindowMs: 1_000, maxPayloadBytes: 100 };
const sized = (now = 0) => new Batcher<number>(limits, (n) => n, now);

describe('Batcher', () => {
  it('P-13 STR-2 a batch is ready at BatchSize, or when the window that started at the first item or the last batch is over', () => {
    const b = sized(0);
    b.push(1, 500);
    expect(b.ready(1_499, 0)).toBe(false);
    expect(b.ready(1_500, 0)).toBe(true);
    b.batchDone(2_000);
    expect(b.deadline()).toBe(3_000);
    b.push(1, 2_100);
    b.push(1, 2_200);
    expect(b.ready(2_200, 0)).toBe(true);
  });

  it('P-12 the cap counts the envelope, each item and a comma between items', () => {
    const b = sized();
    for (const n of [40, 40, 40]) b.push(n, 0);
    // 10 + 40 + 1 + 40 = 91 fits; a third item (+41) would not.
    expect(b.take(10)).toEqual({ items: [40, 40], tooLarge: false, capped: true });
    expect(b.length).toBe(1);
    b.push(99, 0);
    expect(b.ready(0, 10)).toBe(true); // 10 + 40 + 99 + 1 >= 100
  });

  it('P-12 a lone item over the cap comes back as tooLarge; stopBefore keeps later items queued', () => {
    const b = sized();
    b.push(200, 0);
    b.push(1, 0);
    expect(b.take(0)).toEqual({ items: [200], tooLarge: true, capped: true });
    b.push(2, 0);
    b.push(3, 0);
    expect(b.take(0, (n) => n >= 3)).toEqual({ items: [1, 2], tooLarge: false, capped: false });
    b.requeue([1, 2]);
    expect(b.take(0)).toEqual({ items: [1, 2, 3], tooLarge: false, capped: false });
    expect(b.length).toBe(0);
  });

  it('SQS-24 a batch filled over several takes: skipped items wait in place, taken ones count toward BatchSize', () => {
    const b = new Batcher<string>({ ...limits, separatorBytes: 0 }, () => 10, 0);
    for (const id of ['a1', 'b1', 'a2', 'c1', 'c2']) b.push(id, 0);
    const busyA = (id: string) => id.startsWith('a');
    // One item already in the batch: room for two more; the a-group is in flight elsewhere.
    expect(b.take(20, undefined, { taken: 1, skip: busyA })).toEqual({
      items: ['b1', 'c1'],
      tooLarge: false,
      capped: false,
    });
    expect(b.remove(busyA)).toEqual(['a1', 'a2']);
    expect(b.length).toBe(1);
  });

  it('P-12 a batch continued over the cap takes nothing more (capped), and sizes may carry their own separator', () => {
    const b = new Batcher<number>({ ...limits, separatorBytes: 0 }, (n) => n, 0);
    b.push(50, 0);
    b.push(50, 0);
    expect(b.take(0)).toEqual({ items: [50, 50], tooLarge: false, capped: false }); // 100 fits with no comma
    b.push(1, 0);
    expect(b.take(120, undefined, { taken: 1 })).toEqual({ items: [], tooLarge: false, capped: true });
  });
});
