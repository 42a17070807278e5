// Issue #14 item 4: execution environments are bounded per function and in total (shared memory budget),
// an invocation waits briefly for a free one, then is throttled (CON-5); idle ones make room.
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionSpec, InvokeRequest } from '../../../../src/ports/function-runtime.js';
import { EnvironmentBudget, type BudgetOptions } from '../../../../src/runtimes/shared/env-budget.js';
import { NodejsRuntime } from '../../../../src/runtimes/nodejs/nodejs-runtime.js';

const runtimes: NodejsRuntime[] = [];
const never = new AbortController().signal;

function runtime(name: string, budget: EnvironmentBudget | BudgetOptions, spec: Partial<FunctionSpec> = {}) {
  const rt = new NodejsRuntime(
    {
      name,
      arn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
      timeoutMs: 10_000,
      memorySizeMb: 128,
      environment: {},
      ...spec,
      settings: { Handler: 'handlers.sleep', CodeUri: 'test/fixtures/functions', ...spec.settings },
    },
    { onLog: () => {}, budget },
  );
  runtimes.push(rt);
  return rt;
}

let seq = 0;
const sleep = (ms: number): InvokeRequest => ({
  requestId: `b-${++seq}`,
  payload: Buffer.from(JSON.stringify({ ms })),
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
});

describe('environment budget', () => {
  it('CON-5 an invocation waits for a busy environment of its function, then runs warm in it', async () => {
    const rt = runtime('queued', { perFunction: 1, queueTimeoutMs: 10_000 });
    const first = rt.invoke(sleep(300), never);
    const second = await rt.invoke(sleep(1), never);
    expect(await first).toMatchObject({ kind: 'success', coldStart: true });
    expect(second).toMatchObject({ kind: 'success', coldStart: false });
    expect(rt.environmentCount).toBe(1);
  });

  it('an invocation aborted while it waits leaves the queue at once, as aborted (system error)', async () => {
    const rt = runtime('left', { perFunction: 1, queueTimeoutMs: 60_000 });
    const first = rt.invoke(sleep(1000), never);
    const controller = new AbortController();
    const waiting = rt.invoke(sleep(1), controller.signal);
    controller.abort();
    const winner = await Promise.race([waiting.then(() => 'aborted'), first.then(() => 'first')]);
    expect(winner).toBe('aborted');
    expect(await waiting).toMatchObject({ kind: 'system-error' });
    expect(await first).toMatchObject({ kind: 'success' });
  });

  it('CON-5 a cold start in progress extends the wait: a burst on a cold function is served, not throttled', async () => {
    const rt = runtime(
      'slow-init',
      // The init (2.5 s) outlasts the queue timeout (1 s) by far, so only the extension explains a served burst; the
      // timeout is not smaller because on a loaded 2-core machine the warm invokes after the init can take 200 ms.
      { perFunction: 1, queueTimeoutMs: 1000 },
      { environment: { INIT_MS: '2500' }, settings: { Handler: 'sluggish-init.handler' } },
    );
    const results = await Promise.all([1, 2, 3].map(() => rt.invoke(sleep(1), never)));
    expect(results).toMatchObject([
      { kind: 'success', coldStart: true },
      { kind: 'success', coldStart: false },
      { kind: 'success', coldStart: false },
    ]);
  });

  it('CON-5 past the queue timeout the answer is a throttle with ConcurrentInvocationLimitExceeded', async () => {
    const rt = runtime('full', { perFunction: 1, queueTimeoutMs: 100 });
    const first = rt.invoke(sleep(2000), never);
    expect(await rt.invoke(sleep(1), never)).toMatchObject({
      kind: 'throttle',
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    expect(await first).toMatchObject({ kind: 'success' });
  });

  it('bounds the sum of MemorySize over every function sharing the budget', async () => {
    const budget = new EnvironmentBudget({ memoryMb: 256, perFunction: 8, queueTimeoutMs: 0 });
    const a = runtime('a', budget);
    const b = runtime('b', budget);
    const running = [a.invoke(sleep(1500), never), a.invoke(sleep(1500), never)];
    await expect.poll(() => budget.used).toBe(256);
    expect(await b.invoke(sleep(1), never)).toMatchObject({ kind: 'throttle' });
    expect(await Promise.all(running)).toMatchObject([{ kind: 'success' }, { kind: 'success' }]);
    expect(budget.used).toBe(256); // both environments of a now idle
    // A full budget reaps another function's oldest idle environment to make room.
    expect(await b.invoke(sleep(1), never)).toMatchObject({ kind: 'success', coldStart: true });
    expect([a.environmentCount, b.environmentCount, budget.used]).toEqual([1, 1, 256]);
  });

  it('an invocation queued behind its own per-function cap does not hold up another function', async () => {
    const budget = new EnvironmentBudget({ perFunction: 1, queueTimeoutMs: 10_000 });
    const a = runtime('capped', budget);
    const b = runtime('free', budget);
    const first = a.invoke(sleep(4000), never);
    const queued = a.invoke(sleep(1), never); // waits for a's only environment
    const other = b.invoke(sleep(1), never);
    const winner = await Promise.race([other.then(() => 'b'), first.then(() => 'a')]);
    expect(winner).toBe('b');
    expect(await other).toMatchObject({ kind: 'success', coldStart: true });
    expect(await first).toMatchObject({ kind: 'success' });
    expect(await queued).toMatchObject({ kind: 'success', coldStart: false });
  });

  it('a waiter too big for the memory left does not hold up a smaller function behind it', async () => {
    const budget = new EnvironmentBudget({ memoryMb: 384, queueTimeoutMs: 10_000 });
    const a = runtime('small-busy', budget);
    const big = runtime('big', budget, { memorySizeMb: 256 });
    const small = runtime('small', budget);
    const first = [a.invoke(sleep(4000), never), a.invoke(sleep(4000), never)]; // 256 of 384 MB, busy
    const bigWaits = big.invoke(sleep(1), never); // needs 256: waits for a
    const smallFits = small.invoke(sleep(1), never); // needs 128: fits now
    const winner = await Promise.race([smallFits.then(() => 'small'), Promise.all(first).then(() => 'a')]);
    expect(winner).toBe('small');
    expect(await Promise.all([...first, bigWaits, smallFits])).toMatchObject([
      { kind: 'success' },
      { kind: 'success' },
      { kind: 'success' },
      { kind: 'success' },
    ]);
  });

  it('a MemorySize larger than the whole budget is throttled, never started', async () => {
    const rt = runtime('huge', { memoryMb: 256, queueTimeoutMs: 0 }, { memorySizeMb: 512 });
    expect(await rt.invoke(sleep(1), never)).toMatchObject({ kind: 'throttle' });
    expect(rt.environmentCount).toBe(0);
  });

  it('reaps idle environments at once under memory pressure, long before the idle timeout', async () => {
    let available = Number.MAX_SAFE_INTEGER;
    const budget = new EnvironmentBudget({ pressureFreeMb: 256, pressureCheckMs: 20, availableBytes: () => available });
    const rt = runtime('pressed', budget);
    await Promise.all([rt.invoke(sleep(1), never), rt.invoke(sleep(1), never)]);
    expect(rt.environmentCount).toBe(2);
    available = 100 * 1024 * 1024;
    await expect.poll(() => rt.environmentCount).toBe(0);
    expect(budget.used).toBe(0);
  });
});
