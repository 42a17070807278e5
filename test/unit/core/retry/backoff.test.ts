import { describe, expect, it } from 'vitest';
import { exponentialCeilingMs, fullJitterBackoffMs } from '../../../../src/core/retry/backoff.js';

const policy = { baseMs: 100, maxMs: 5000 };

describe('backoff', () => {
  it('grows exponentially from the base and is capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => exponentialCeilingMs(n, policy))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000,
    ]);
    expect(exponentialCeilingMs(10_000, policy)).toBe(5000);
    expect(exponentialCeilingMs(0, policy)).toBe(100);
  });

  it('full jitter picks uniformly below the ceiling with the injected rng', () => {
    expect(fullJitterBackoffMs(3, policy, () => 0)).toBe(0);
    expect(fullJitterBackoffMs(3, policy, () => 0.5)).toBe(200);
    expect(fullJitterBackoffMs(3, policy, () => 0.999999)).toBe(399);
    expect(fullJitterBackoffMs(50, policy, () => 0.5)).toBe(2500);
  });

  it('never exceeds maxMs, whatever the rng returns', () => {
    for (let n = 1; n < 100; n++) expect(fullJitterBackoffMs(n, policy, () => 7)).toBeLessThanOrEqual(5000);
  });
});
