// The Redis async queue batches the submits and completions of one event-loop tick (issue #20 item 2):
// fewer round trips, the same acknowledgements and errors per event as one call each.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createAsyncEngine } from '../../../src/core/async/engine.js';
import type { AsyncEvent, AsyncQueue } from '../../../src/ports/async-queue.js';
import { createRedisAsyncQueue } from '../../../src/state/async-redis.js';
import {
  ok,
  realClock,
  RecordingDestinations,
  RecordingLogger,
  RecordingMetrics,
  ScriptedInvoker,
} from '../../unit/core/async/helpers.js';
import { redisUrl } from './env.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function queueOn(prefix: string): AsyncQueue {
  const q = createRedisAsyncQueue({ url: redisUrl(), prefix });
  cleanup.push(() => q.close());
  return q;
}

function admin(): Redis {
  const r = new Redis(redisUrl());
  cleanup.push(async () => void (await r.quit()));
  return r;
}

const event = (id: string): AsyncEvent => ({
  id,
  functionName: 'fn',
  qualifier: '$LATEST',
  payload: Buffer.from(`{"id":"${id}"}`).toString('base64'),
  enqueuedAtMs: 0,
  dueAtMs: 0,
  attempts: 0,
  throttleRetries: 0,
});

/** Counts the write calls (scripts, ready-list pushes) Redis runs on this queue's keys (MONITOR sees every
 * client; filtered by the tag). */
async function countCommands(prefix: string): Promise<{ count: () => number; stop: () => void }> {
  const monitor = await admin().monitor();
  let n = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    const script = /^(eval(sha)?|lpush)$/i.test(args[0] ?? '');
    if (script && args.some((a) => a.startsWith(`{${prefix}}:`))) n++;
  });
  return { count: () => n, stop: () => monitor.disconnect() };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('redis async queue batching (real redis-server)', () => {
  it('ASY-1 ASY-3 500 concurrent submits are all acknowledged in a few script calls, and each runs exactly once', async () => {
    const prefix = `b-${randomUUID()}`;
    const queue = queueOn(prefix);
    const invoker = new ScriptedInvoker(realClock, [() => Promise.resolve(ok({}))]);
    const engine = createAsyncEngine({
      queue,
      invoker,
      functions: () => ({
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
        maximumRetryAttempts: 2,
        maximumEventAgeMs: 60_000,
      }),
      destinations: new RecordingDestinations().resolve,
      metrics: new RecordingMetrics(),
      clock: realClock,
      logger: new RecordingLogger(),
      owner: 'p1',
      options: { concurrency: 64, pollIntervalMs: 20 },
    });
    cleanup.push(() => engine.stop(2_000));
    const monitor = await countCommands(prefix);
    const ids = Array.from({ length: 500 }, (_, i) => `r${i}`);
    // Submitted with the consumer stopped, so every call MONITOR sees on the queue's keys is a submit.
    await Promise.all(ids.map((id) => engine.submit('fn', Buffer.from('{}'), id)));
    await until(() => Promise.resolve(monitor.count() >= 1));
    const submitCalls = monitor.count();
    monitor.stop();
    // One call each before batching (500); now ceil(500 / 256) — a little slack for the tick split.
    expect(submitCalls).toBeLessThanOrEqual(10);
    expect(await queue.depth()).toBe(500);
    engine.start();
    await until(async () => (await queue.depth()) === 0);
    const ran = invoker.calls.map((c) => c.requestId);
    expect(ran).toHaveLength(500);
    expect(new Set(ran)).toEqual(new Set(ids));
  });

  it('ASY-1 a Redis error refuses every submit of a batch with the error a lone submit gets, and stores none', async () => {
    const prefix = `b-${randomUUID()}`;
    const q = queueOn(prefix);
    // The ready list is a string: every (fresh) enqueue's only command fails (WRONGTYPE), so nothing is written.
    const r = admin();
    await r.set(`{${prefix}}:ready`, 'not a list');
    const lone = await q.enqueue(event('lone')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(lone).toBeInstanceOf(Error);
    // 300 in one tick: two batches (256 per call); every caller hears the failure.
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => q.enqueue(event(`e${i}`))));
    expect(results.every((x) => x.status === 'rejected')).toBe(true);
    for (const x of results) {
      expect((x as PromiseRejectedResult).reason).toBeInstanceOf(Error);
      expect(((x as PromiseRejectedResult).reason as Error).message).toBe((lone as Error).message);
    }
    expect(await r.zcard(`{${prefix}}:due`)).toBe(0);
    expect(await r.hlen(`{${prefix}}:events`)).toBe(0);
    await r.del(`{${prefix}}:ready`);
  });

  it('ASY-3 a batch of completions answers each one: true for the holder, false for a stale owner', async () => {
    const prefix = `b-${randomUUID()}`;
    const q = queueOn(prefix);
    await Promise.all(Array.from({ length: 300 }, (_, i) => q.enqueue(event(`e${i}`))));
    const claimed = await q.claim('p1', 300, 1, 60_000);
    expect(claimed).toHaveLength(300);
    const done = await Promise.all(claimed.map((e, i) => q.complete(e.id, i % 3 === 0 ? 'stale' : 'p1')));
    expect(done).toEqual(claimed.map((_, i) => i % 3 !== 0));
    expect(await q.depth()).toBe(100);
  });
});
