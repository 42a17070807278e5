import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAsyncEngine } from '../../../src/core/async/engine.js';
import type { AsyncEngine } from '../../../src/core/async/types.js';
import type { AsyncQueue } from '../../../src/ports/async-queue.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import { createRedisAsyncQueue } from '../../../src/state/async-redis.js';
import {
  fnError,
  ok,
  realClock,
  RecordingDestinations,
  RecordingLogger,
  RecordingMetrics,
  ScriptedInvoker,
} from '../../unit/core/async/helpers.js';
import { redisUrl } from './env.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:fn';
const FAILURE = 'arn:aws:sqs:us-east-1:123456789012:failure';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function engineOn(prefix: string, owner: string, invoke: () => Promise<InvokeResult>, dest: RecordingDestinations) {
  const queue: AsyncQueue = createRedisAsyncQueue({ url: redisUrl(), prefix });
  const invoker = new ScriptedInvoker(realClock, [invoke]);
  const engine: AsyncEngine = createAsyncEngine({
    queue,
    invoker,
    functions: () => ({ functionArn: ARN, maximumRetryAttempts: 2, maximumEventAgeMs: 60_000, onFailure: FAILURE }),
    destinations: dest.resolve,
    metrics: new RecordingMetrics(),
    clock: realClock,
    logger: new RecordingLogger(),
    owner,
    options: {
      concurrency: 8,
      pollIntervalMs: 20,
      retryDelaysMs: [50, 100],
      deliveryBackoff: { baseMs: 50, maxMs: 200 },
    },
  });
  cleanup.push(() => queue.close());
  cleanup.push(() => engine.stop(2_000));
  return { engine, invoker, queue };
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('async engine over redis (real redis-server)', () => {
  it('two sluice processes share one queue and run each event once', async () => {
    const prefix = `e-${randomUUID()}`;
    const dest = new RecordingDestinations();
    const p1 = engineOn(prefix, 'p1', () => Promise.resolve(ok({})), dest);
    const p2 = engineOn(prefix, 'p2', () => Promise.resolve(ok({})), dest);
    p1.engine.start();
    p2.engine.start();
    for (let i = 0; i < 200; i++) await (i % 2 ? p1 : p2).engine.submit('fn', Buffer.from('{}'), `r${i}`);
    await until(async () => (await p1.queue.depth()) === 0);
    const ids = [...p1.invoker.calls, ...p2.invoker.calls].map((c) => c.requestId);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(p1.invoker.calls.length).toBeGreaterThan(0);
    expect(p2.invoker.calls.length).toBeGreaterThan(0);
  });

  it('ASY-5 retries through redis with the same request id, then sends RetriesExhausted', async () => {
    const dest = new RecordingDestinations();
    const p = engineOn(`e-${randomUUID()}`, 'p1', () => Promise.resolve(fnError('nope')), dest);
    p.engine.start();
    await p.engine.submit('fn', Buffer.from('{"n":1}'), 'req-r');
    await until(() => Promise.resolve(dest.to(FAILURE).length === 1));
    expect(p.invoker.calls.map((c) => c.requestId)).toEqual(['req-r', 'req-r', 'req-r']);
    expect(dest.to(FAILURE)[0]?.record).toMatchObject({
      requestContext: { requestId: 'req-r', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { n: 1 },
      responsePayload: { errorMessage: 'nope' },
    });
  });

  it('ASY-10 an undelivered outcome waits in redis and a restarted process delivers it without invoking again', async () => {
    const prefix = `e-${randomUUID()}`;
    const down = new RecordingDestinations();
    down.failing.add(FAILURE);
    const p1 = engineOn(prefix, 'p1', () => Promise.resolve(fnError('gone')), down);
    p1.engine.start();
    await p1.engine.submit('fn', Buffer.from('{"n":2}'), 'req-wait');
    await until(() => Promise.resolve((down.attempts.get(FAILURE) ?? 0) >= 3));
    await p1.engine.stop(2_000);
    expect(p1.invoker.calls).toHaveLength(3);
    expect(await p1.queue.depth()).toBe(1);

    // A new process on the same queue (as after a restart): it finds the decided outcome and only delivers it.
    const up = new RecordingDestinations();
    const p2 = engineOn(prefix, 'p2', () => Promise.resolve(ok({})), up);
    p2.engine.start();
    await until(async () => (await p2.queue.depth()) === 0);
    expect(p2.invoker.calls).toHaveLength(0);
    expect(up.to(FAILURE).map((x) => x.record)).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          requestId: 'req-wait',
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        }) as unknown,
        requestPayload: { n: 2 },
        responsePayload: expect.objectContaining({ errorMessage: 'gone' }) as unknown,
      }),
    ]);
  });
});
