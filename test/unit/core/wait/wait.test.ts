// The core's one wait/wake helper, shared by the stream mapping, the shard workers and the async engine.
import { describe, expect, it } from 'vitest';
import { settledWithin, settleWithin, sleepQuietly, Waker } from '../../../../src/core/wait/wait.js';
import { SimClock } from '../esm/helpers/sim-clock.js';

describe('wait helper', () => {
  it('a notify before the wait is not lost; clear() forgets it', async () => {
    const clock = new SimClock();
    const waker = new Waker();
    waker.notify();
    const start = clock.now();
    await clock.drive(waker.wait(clock, 1_000));
    expect(clock.now()).toBe(start);
    waker.notify();
    waker.clear();
    await clock.drive(waker.wait(clock, 1_000));
    expect(clock.now()).toBe(start + 1_000);
  });

  it('a wait ends on notify, on abort, or at its deadline, whichever comes first', async () => {
    const clock = new SimClock();
    const waker = new Waker();
    const start = clock.now();
    const waiting = waker.wait(clock, Number.POSITIVE_INFINITY);
    await clock.settle();
    waker.notify();
    await waiting;
    expect(clock.now()).toBe(start);
    const stop = new AbortController();
    const aborted = waker.wait(clock, 5_000, stop.signal);
    stop.abort();
    await aborted;
    await sleepQuietly(clock, 5_000, stop.signal);
    expect(clock.now()).toBe(start);
  });

  it('settleWithin calls onTimeout only when the work outlasts the grace', async () => {
    const clock = new SimClock();
    const start = clock.now();
    let timeouts = 0;
    await clock.drive(settleWithin(clock, Promise.resolve(), 1_000, () => timeouts++));
    expect(timeouts).toBe(0);
    const stop = new AbortController();
    const work = sleepQuietly(clock, 60_000, stop.signal);
    await clock.drive(settleWithin(clock, work, 1_000, () => stop.abort()));
    expect(timeouts).toBe(0);
    expect(stop.signal.aborted).toBe(true);
    expect(clock.now()).toBe(start + 1_000);
  });

  it('settledWithin tells whether the work ended in time, without waiting for it after', async () => {
    const clock = new SimClock();
    const start = clock.now();
    expect(await clock.drive(settledWithin(clock, Promise.reject(new Error('x')), 1_000))).toBe(true);
    const stop = new AbortController();
    const work = sleepQuietly(clock, 60_000, stop.signal);
    expect(await clock.drive(settledWithin(clock, work, 1_000))).toBe(false);
    expect(clock.now()).toBe(start + 1_000);
    stop.abort();
  });
});
