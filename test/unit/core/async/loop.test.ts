import { describe, expect, it } from 'vitest';
import { createAsyncEngine } from '../../../../src/core/async/engine.js';
import type { AsyncQueue } from '../../../../src/ports/async-queue.js';
import type { InvokeResult } from '../../../../src/ports/function-runtime.js';
import { createMemoryAsyncQueue } from '../../../../src/state/async-memory.js';
import { ok, realClock, RecordingDestinations, RecordingLogger, RecordingMetrics, ScriptedInvoker } from './helpers.js';
import { ARN } from './setup.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function build(queue: AsyncQueue, invoke: () => Promise<InvokeResult>, concurrency: number) {
  const invoker = new ScriptedInvoker(realClock, [invoke]);
  const engine = createAsyncEngine({
    queue,
    invoker,
    functions: () => ({ functionArn: ARN, maximumRetryAttempts: 2, maximumEventAgeMs: 21_600_000 }),
    destinations: new RecordingDestinations().resolve,
    metrics: new RecordingMetrics(),
    clock: realClock,
    logger: new RecordingLogger(),
    owner: 'p1',
    options: { concurrency, pollIntervalMs: 20, retryDelaysMs: [20, 40] },
  });
  return { engine, invoker };
}

describe('async engine loop', () => {
  it('never claims more events than it can run at once', async () => {
    const queue = createMemoryAsyncQueue();
    const claims: number[] = [];
    const claim = queue.claim.bind(queue);
    queue.claim = (owner, max, now, ttl) => {
      claims.push(max);
      return claim(owner, max, now, ttl);
    };
    let running = 0;
    let peak = 0;
    const gate = deferred();
    const { engine, invoker } = build(
      queue,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return ok({});
      },
      2,
    );
    engine.start();
    for (let i = 0; i < 6; i++) await engine.submit('fn', Buffer.from('{}'), `r${i}`);
    await until(() => invoker.calls.length === 2);
    await new Promise((r) => setTimeout(r, 60));
    expect(invoker.calls).toHaveLength(2);
    gate.resolve();
    await until(async () => (await queue.depth()) === 0);
    await engine.stop(1_000);
    expect(peak).toBe(2);
    expect(Math.max(...claims)).toBeLessThanOrEqual(2);
    expect(invoker.calls).toHaveLength(6);
  });

  it('ASY-5 D-13 runs retries on its own with scaled-down delays', async () => {
    const queue = createMemoryAsyncQueue();
    let n = 0;
    const { engine, invoker } = build(
      queue,
      () =>
        Promise.resolve(
          ++n < 3
            ? {
                kind: 'function-error' as const,
                payload: Buffer.from('{}'),
                errorType: 'Error',
                durationMs: 0,
                coldStart: false,
              }
            : ok({}),
        ),
      4,
    );
    engine.start();
    await engine.submit('fn', Buffer.from('{}'), 'r');
    await until(async () => (await queue.depth()) === 0);
    await engine.stop(1_000);
    const times = invoker.calls.map((c) => c.atMs);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(20);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(40);
  });

  it('stop(grace) aborts what is still running and hands it back without using the budget', async () => {
    const queue = createMemoryAsyncQueue();
    const started = deferred();
    const hanging = build(queue, () => Promise.resolve(ok({})), 4);
    // An invocation that only ends when the engine aborts it.
    hanging.invoker.invoke = (_fn, _req, options) => {
      started.resolve();
      return new Promise<InvokeResult>((_resolve, reject) =>
        options?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    hanging.engine.start();
    await hanging.engine.submit('fn', Buffer.from('{}'), 'r-stop');
    await started.promise;
    await hanging.engine.stop(30);
    const [back] = await queue.claim('next', 10, Date.now(), 1_000);
    expect(back).toMatchObject({ id: 'r-stop', attempts: 0 });
  });

  it('heartbeats its claims so a long attempt is not recovered by another process', async () => {
    const queue = createMemoryAsyncQueue();
    const invoker = new ScriptedInvoker(realClock, [
      () => new Promise<InvokeResult>((resolve) => setTimeout(() => resolve(ok({})), 800)),
    ]);
    const engine = createAsyncEngine({
      queue,
      invoker,
      functions: () => ({ functionArn: ARN, maximumRetryAttempts: 2, maximumEventAgeMs: 21_600_000 }),
      destinations: new RecordingDestinations().resolve,
      metrics: new RecordingMetrics(),
      clock: realClock,
      logger: new RecordingLogger(),
      owner: 'p1',
      options: { claimTtlMs: 300, pollIntervalMs: 10 },
    });
    engine.start();
    await engine.submit('fn', Buffer.from('{}'), 'long');
    let recovered = 0;
    // Another process recovering expired claims every 10 ms while the attempt runs.
    while ((await queue.depth()) > 0) {
      recovered += await queue.recoverExpiredClaims(Date.now());
      recovered += (await queue.claim('p2', 1, Date.now(), 300)).length;
      await new Promise((r) => setTimeout(r, 10));
    }
    await engine.stop(1_000);
    expect(recovered).toBe(0);
    expect(invoker.calls).toHaveLength(1);
  });
});
