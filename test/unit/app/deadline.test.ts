// Bounded waits of the composition root (src/app/deadline.ts). A start that fails unwinds with no deadline
// (Infinity): that must wait for each part, not set a timer Node cannot hold (it fires after 1 ms and warns).
import { afterEach, describe, expect, it } from 'vitest';
import { settledWithin, withTimeout } from '../../../src/app/deadline.js';

const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(w.name);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});
const later = (ms: number) => new Promise<string>((r) => setTimeout(() => r('done'), ms));
const aTick = () => new Promise((r) => setImmediate(r));

describe('deadline', () => {
  it('a wait without deadline (Infinity, or past the longest timer) waits for the promise, with no TimeoutOverflowWarning', async () => {
    process.on('warning', onWarning);
    expect(await settledWithin(later(20), Number.POSITIVE_INFINITY)).toBe(true);
    expect(await settledWithin(later(20), 3_000_000_000)).toBe(true);
    expect(await withTimeout(later(20), 2 ** 31)).toBe('done');
    await aTick();
    expect(warnings).toEqual([]);
  });

  it('a finite deadline still abandons a promise that does not settle', async () => {
    expect(await settledWithin(new Promise(() => undefined), 10)).toBe(false);
    await expect(withTimeout(new Promise(() => undefined), 10)).rejects.toThrow(/no answer within 10 ms/);
  });
});
