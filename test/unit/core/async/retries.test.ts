import { describe, expect, it } from 'vitest';
import { ASYNC_METRICS } from '../../../../src/core/async/metric-names.js';
import { fnError, ok, systemError, throttle } from './helpers.js';
import { ON_FAILURE, ON_SUCCESS, setup } from './setup.js';

const MIN = 60_000;

describe('async retries (ASY-5, ASY-6)', () => {
  it('ASY-5 retries a function error twice by default, 1 min then 2 min later, then RetriesExhausted', async () => {
    const t = setup({}, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{"a":1}'), 'req-1');
    await t.at(0);
    await t.at(MIN - 1);
    expect(t.invokedAt()).toEqual([0]);
    await t.at(MIN);
    await t.at(MIN + 2 * MIN - 1);
    expect(t.invokedAt()).toEqual([0, MIN]);
    await t.at(3 * MIN);
    expect(t.invokedAt()).toEqual([0, MIN, 3 * MIN]);
    const [failure] = t.destinations.to(ON_FAILURE);
    expect(failure?.record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    });
    expect(await t.queue.depth()).toBe(0);
    await t.at(10 * MIN);
    expect(t.invoker.calls).toHaveLength(3);
  });

  it('ASY-5 MaximumRetryAttempts 0 runs once and fails', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    await t.at(0);
    await t.at(10 * MIN);
    expect(t.invokedAt()).toEqual([0]);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 },
    });
  });

  it('ASY-5 MaximumRetryAttempts 1 runs twice, 1 min apart', async () => {
    const t = setup({ maximumRetryAttempts: 1 }, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    await t.at(0);
    await t.at(MIN);
    await t.at(10 * MIN);
    expect(t.invokedAt()).toEqual([0, MIN]);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
    });
  });

  it('ASY-5 a retry that succeeds goes to OnSuccess with the attempts counted', async () => {
    const t = setup({}, [fnError(), ok({ done: true })]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    await t.at(0);
    await t.at(MIN);
    expect(t.destinations.to(ON_FAILURE)).toHaveLength(0);
    expect(t.destinations.to(ON_SUCCESS)[0]?.record).toMatchObject({
      requestContext: { condition: 'Success', approximateInvokeCount: 2 },
      responsePayload: { done: true },
    });
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'RetriesExhausted' })).toBe(0);
  });

  it('D-13 retry delays are configurable', async () => {
    const t = setup({}, [fnError()], { retryDelaysMs: [10, 20] });
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    for (const ms of [0, 10, 30]) await t.at(ms);
    expect(t.invokedAt()).toEqual([0, 10, 30]);
  });

  it('ASY-6 throttles back off from 1 s doubling to a 5 min cap and do not use the retry budget', async () => {
    const throttles = Array.from({ length: 12 }, () => throttle());
    const t = setup({}, [...throttles, fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    // Step the virtual clock one second at a time for long enough to see every gap.
    for (let s = 0; s <= 3_000; s++) await t.at(s * 1000);
    const times = t.invokedAt();
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    expect(gaps.slice(0, 12)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
    // After 12 throttles the budget is intact: three function-error attempts, 1 min and 2 min apart.
    expect(gaps.slice(12)).toEqual([MIN, 2 * MIN]);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    });
  });

  it('ASY-6 system errors (5xx) back off like throttles and do not use the retry budget', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [systemError(), systemError(), systemError(), ok({})]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    for (const ms of [0, 1_000, 3_000, 7_000]) await t.at(ms);
    expect(t.invokedAt()).toEqual([0, 1_000, 3_000, 7_000]);
    expect(t.destinations.to(ON_SUCCESS)).toHaveLength(1);
  });

  it('ASY-6 a Retry-After hint lengthens the throttle wait', async () => {
    const t = setup({}, [{ ...throttle(), retryAfterSeconds: 5 } as ReturnType<typeof throttle>, ok({})]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    await t.at(0);
    await t.at(1_000);
    await t.at(5_000);
    expect(t.invokedAt()).toEqual([0, 5_000]);
  });

  it('ASY-12 every attempt uses the same request id and payload', async () => {
    const t = setup({}, [throttle(), fnError(), fnError(), ok({})]);
    await t.engine.submit('my-function', Buffer.from('{"k":"v"}'), 'req-same');
    for (const ms of [0, 1_000, MIN + 1_000, 3 * MIN + 1_000]) await t.at(ms);
    expect(t.invoker.calls).toHaveLength(4);
    expect(new Set(t.invoker.calls.map((c) => c.requestId))).toEqual(new Set(['req-same']));
    expect(new Set(t.invoker.calls.map((c) => c.payload))).toEqual(new Set(['{"k":"v"}']));
  });

  it('ERR-7 an invoker that throws is treated as a system error: backed off, budget kept', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [() => Promise.reject(new Error('socket hang up')), ok({})]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-1');
    await t.at(0);
    await t.at(1_000);
    expect(t.invokedAt()).toEqual([0, 1_000]);
    expect(t.destinations.to(ON_SUCCESS)).toHaveLength(1);
    expect(t.logger.lines.some((l) => l.level === 'error' && l.msg === 'invoker threw')).toBe(true);
  });
});
