// #21 redrive task (src/app/redrive.ts) on a memory queue: a message leaves the queue only after its replay
// succeeded, failed and skipped ones stay (and are visible again when the task ends), --max and the rate are kept.
import { expect, it } from 'vitest';
import { MemoryBroker } from '../../../connectors/memory/index.js';
import { newProgress, runRedrive, type RedriveRequest, type Replayer } from '../../../src/app/redrive.js';

function setup(bodies: string[]) {
  const broker = new MemoryBroker({ region: 'us-east-1', accountId: '000000000000', visibilityTimeoutMs: 60_000 });
  const q = broker.queue(`dlq-${Math.random().toString(36).slice(2)}`);
  for (const b of bodies) q.send(b);
  return { q, source: q.source() };
}

const request = (over: Partial<RedriveRequest> = {}): RedriveRequest => ({
  from: 'memory://queue/dlq',
  to: 'fn',
  dryRun: false,
  by: 'test',
  ...over,
});

const bodyOf = (m: { record: Record<string, unknown> }) => String(m.record.body);

it('#21 redrive: replayed messages are deleted, failed and skipped ones stay and are visible again; the report counts each', async () => {
  const { q, source } = setup(['ok1', 'bad', 'ok2', 'gone']);
  const replay: Replayer = (m) => {
    const b = bodyOf(m);
    if (b === 'bad') return Promise.reject(new Error('function failed'));
    if (b === 'gone') return Promise.resolve({ result: 'skipped', reason: 'no longer in the stream' });
    return Promise.resolve({ result: 'replayed' });
  };
  const req = request();
  const p = await runRedrive(newProgress('t1', req, Date.now()), req, {
    dlq: source,
    replay,
    onProgress: () => undefined,
    signal: new AbortController().signal,
  });
  expect(p).toMatchObject({ status: 'done', seen: 4, replayed: 2, failed: 1, skipped: 1 });
  expect(p.items.map((i) => [i.result, i.detail])).toEqual([
    ['failed', 'function failed'],
    ['skipped', 'no longer in the stream'],
  ]);
  const left = q.peek(10);
  expect(left.map((m) => [m.Body, m.Visible])).toEqual([
    ['bad', true],
    ['gone', true],
  ]);
});

it('#21 redrive dry run replays nothing and leaves every message; --max stops early', async () => {
  const { q, source } = setup(['a', 'b', 'c']);
  const calls: boolean[] = [];
  const replay: Replayer = (_m, dryRun) => {
    calls.push(dryRun);
    return Promise.resolve({ result: 'would', detail: 'invoke fn' });
  };
  const req = request({ dryRun: true, max: 2 });
  const p = await runRedrive(newProgress('t2', req, Date.now()), req, {
    dlq: source,
    replay,
    onProgress: () => undefined,
    signal: new AbortController().signal,
  });
  expect(p).toMatchObject({ status: 'done', seen: 2, replayed: 0 });
  expect(calls).toEqual([true, true]);
  expect(q.peek(10).map((m) => m.Visible)).toEqual([true, true, true]);
});

it('#21 redrive keeps the rate: the n-th replay waits until n / rate seconds after the start', async () => {
  const { source } = setup(['a', 'b', 'c', 'd']);
  let now = 0;
  const at: number[] = [];
  const req = request({ ratePerSecond: 2 });
  await runRedrive(newProgress('t3', req, 0), req, {
    dlq: source,
    replay: () => {
      at.push(now);
      return Promise.resolve({ result: 'replayed' });
    },
    onProgress: () => undefined,
    signal: new AbortController().signal,
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  });
  expect(at).toEqual([0, 500, 1000, 1500]);
});
