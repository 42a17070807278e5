import { describe, expect, it, vi } from 'vitest';
import { RoomWait } from '../../../../connectors/kafka/room-wait.js';

describe('RoomWait (#20: the eachBatch that filled the last partition waits for room, not for a fixed sleep)', () => {
  it('resolves as soon as a partition has room again', async () => {
    vi.useFakeTimers();
    try {
      const w = new RoomWait();
      let done = false;
      const waiting = w.wait(100).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(10);
      expect(done).toBe(false);
      w.room();
      await waiting;
      expect(done).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never waits longer than kafkajs would have slept', async () => {
    vi.useFakeTimers();
    try {
      const w = new RoomWait();
      let done = false;
      const waiting = w.wait(100).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(99);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
      w.room(); // a late room() finds nobody waiting
    } finally {
      vi.useRealTimers();
    }
  });
});
