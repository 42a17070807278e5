import { describe, expect, it } from 'vitest';
import { functionErrorDelayMs, retryStartsInTime, throttleDelayMs } from '../../../../src/core/async/retry-policy.js';

describe('async retry policy', () => {
  it('ASY-5 waits 1 min before the 2nd attempt and 2 min before the 3rd', () => {
    expect(functionErrorDelayMs(1, [60_000, 120_000])).toBe(60_000);
    expect(functionErrorDelayMs(2, [60_000, 120_000])).toBe(120_000);
  });

  it('ASY-6 doubles from 1 s and caps at 5 min; Retry-After never exceeds the cap', () => {
    const delays = Array.from({ length: 12 }, (_, i) => throttleDelayMs(i + 1, 1_000, 300_000));
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1_000));
    expect(throttleDelayMs(1000, 1_000, 300_000)).toBe(300_000);
    expect(throttleDelayMs(1, 1_000, 300_000, 10)).toBe(10_000);
    expect(throttleDelayMs(1, 1_000, 300_000, 3_600)).toBe(300_000);
  });

  it('ASY-7 a retry due at or past the expiry cannot start in time', () => {
    expect(retryStartsInTime(1_000, 60_000, 30_000)).toBe(false);
    expect(retryStartsInTime(1_000, 60_000, 61_000)).toBe(false);
    expect(retryStartsInTime(1_000, 60_000, 90_000)).toBe(true);
  });
});
