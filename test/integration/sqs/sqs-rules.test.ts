// The SQS-* rules of spec §2 not shown by sqs-poller.test.ts, on the real connector and ElasticMQ:
// long polling (SQS-1), scaling down (SQS-4, SQS-13), MaximumConcurrency (SQS-6), FIFO concurrency (SQS-7),
// visibility extension (SQS-12) and every complete-success / complete-failure response form (SQS-18..20).
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInvoker } from '../../../src/core/invoke/invoker.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { QueuePoller } from '../../../src/core/esm/queue-poller.js';
import type { QueueSource } from '../../../src/ports/queue-source.js';
import { SqsTestBed, jsInvoker, waitFor, type CountingMetrics, type LambdaHandler } from './sqs-kit.js';

type Rec = Record<string, unknown> & { messageId: string; body: string; attributes: Record<string, string> };

let bed: SqsTestBed;
beforeEach(() => {
  bed = new SqsTestBed();
});
afterEach(async () => {
  await bed.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts in-flight invocations of a handler and keeps the peak. */
function peakTracker(workMs: number) {
  const t = { now: 0, peak: 0, done: 0 };
  const handler: LambdaHandler = async (event) => {
    t.now++;
    t.peak = Math.max(t.peak, t.now);
    await sleep(workMs);
    t.now--;
    t.done += event.Records.length;
  };
  return { t, handler };
}

/** Settled: the poller has no batch running and the invocations were counted. */
async function settled(poller: QueuePoller, metrics: CountingMetrics, invoked: number): Promise<void> {
  await waitFor(
    () => metrics.count('sluice_invoked_events_total') >= invoked && poller.status().inflightBatches === 0,
    20_000,
    'the batch to finish',
  );
}

describe('SQS rules on a real SQS server', () => {
  it('SQS-1 long-polls an idle queue: one 20 s ReceiveMessage per worker, not a poll loop', async () => {
    const q = await bed.createQueue('longpoll');
    const waits: number[] = [];
    const count = (s: QueueSource): QueueSource => {
      const receive = s.receive.bind(s);
      s.receive = (max, waitMs, signal) => {
        waits.push(waitMs);
        return receive(max, waitMs, signal);
      };
      return s;
    };
    const got: string[] = [];
    await bed.startPoller(q, (e) => void got.push(...(e.Records as Rec[]).map((r) => r.body)), {}, undefined, count);
    await sleep(1500);
    expect(waits.length).toBeLessThanOrEqual(5); // the initial 5 workers, each inside one long poll
    expect(new Set(waits)).toEqual(new Set([20_000]));
    await bed.send(q, ['wake']);
    await waitFor(() => got.length === 1, 10_000, 'the long poll to return the message');
  });

  it('SQS-4 drops back to 2 concurrent batches when the queue goes idle', async () => {
    const q = await bed.createQueue('shrink');
    await bed.send(
      q,
      Array.from({ length: 200 }, (_, i) => `s-${i}`),
    );
    const { t, handler } = peakTracker(20);
    const { poller } = await bed.startPoller(q, handler, {
      batchSize: 1,
      longPollMs: 1000,
      scaling: { addPerMinute: 6000 },
      backlogIntervalMs: 200,
    });
    await waitFor(() => poller.status().concurrency > 5, 20_000, 'growth above 5 while the backlog remains');
    await waitFor(() => t.done >= 200, 30_000, 'all messages');
    await waitFor(
      () => poller.status().concurrency === 2 && poller.status().workers === 2,
      20_000,
      'the idle floor of 2',
    );
  });

  it('SQS-5 without MaximumConcurrency a mapping grows to the account concurrency and never past it', async () => {
    // An account of 8 (CON-1) stands in for AWS's 1,000: the mapping starts at 5 (SQS-2), grows while the backlog
    // lasts, and is held at the account limit by throttles (retried, SQS-14), not by a cap of its own.
    const run = async (maximumConcurrency?: number) => {
      const q = await bed.createQueue('account');
      await bed.send(
        q,
        Array.from({ length: 120 }, (_, i) => `a-${i}`),
      );
      const { t, handler } = peakTracker(150);
      const seen: string[] = [];
      const invoker = createInvoker({
        accountConcurrency: 8,
        invocationsPerSecondPerConcurrency: 0,
        functions: new Map([
          [
            'fn',
            {
              spec: {
                name: 'fn',
                arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
                timeoutMs: 3000,
                memorySizeMb: 128,
                environment: {},
                settings: {},
              },
              runtime: {
                invoke: (req) =>
                  jsInvoker((e, c) => {
                    seen.push(...(e.Records as Rec[]).map((r) => r.body));
                    return handler(e, c);
                  }).invoke('fn', req),
                close: () => Promise.resolve(),
              },
            },
          ],
        ]),
      });
      await bed.startPoller(q, invoker, {
        batchSize: 1,
        ...(maximumConcurrency === undefined ? {} : { maximumConcurrency }),
        scaling: { addPerMinute: 6000, cooldownMs: 200 },
        backlogIntervalMs: 100,
        retryBackoff: { initialMs: 20, maxMs: 200 },
      });
      await waitFor(async () => t.done >= 120 && (await bed.remaining(q)) === 0, 60_000, 'all messages');
      expect(seen.sort()).toEqual(Array.from({ length: 120 }, (_, i) => `a-${i}`).sort()); // once each
      return t.peak;
    };
    expect(await run()).toBe(8);
    expect(await run(3)).toBe(3); // MaximumConcurrency set: the mapping's own cap (SQS-6)
  });

  it('SQS-6 ScalingConfig.MaximumConcurrency caps concurrent batches, also with a backlog', async () => {
    const q = await bed.createQueue('maxconc');
    await bed.send(
      q,
      Array.from({ length: 40 }, (_, i) => `c-${i}`),
    );
    const { t, handler } = peakTracker(30);
    const { poller } = await bed.startPoller(q, handler, {
      batchSize: 1,
      maximumConcurrency: 2,
      scaling: { addPerMinute: 6000 },
      backlogIntervalMs: 100,
    });
    await waitFor(() => t.done >= 40, 30_000, 'all messages');
    expect(t.peak).toBe(2);
    expect(poller.status().concurrency).toBeLessThanOrEqual(2);
  });

  it('SQS-7 FIFO: one batch per message group at a time, so concurrency never exceeds the active groups', async () => {
    // ElasticMQ alone already hides a group while any of its messages is in flight. What only sluice can get wrong
    // is what it holds itself: a 5 KB payload cap (P-12) fits two messages per batch, so each receive of up to ten
    // leaves the rest of its groups buffered while their first batch runs. Taking those into another batch would
    // run one group twice at once and out of order; sluice must keep them until the group's batch is done.
    const q = await bed.createQueue('fifo-conc', {}, true);
    const groups = ['ga', 'gb'];
    const per = 12;
    await bed.send(
      q,
      Array.from({ length: groups.length * per }, (_, i) =>
        `${groups[i % 2]}-${String(Math.floor(i / 2)).padStart(2, '0')}-`.padEnd(1000, 'x'),
      ),
      { groupId: (i) => groups[i % 2]! },
    );
    const running = new Map<string, number>();
    const handled = new Map<string, string[]>(groups.map((g) => [g, []]));
    const t = { now: 0, peak: 0, groupPeak: 0, batches: 0 };
    const handler: LambdaHandler = async (event) => {
      const recs = event.Records as Rec[];
      const mine = [...new Set(recs.map((r) => r.attributes['MessageGroupId']!))];
      t.now++;
      t.batches++;
      t.peak = Math.max(t.peak, t.now);
      for (const g of mine) {
        running.set(g, (running.get(g) ?? 0) + 1);
        t.groupPeak = Math.max(t.groupPeak, running.get(g)!);
      }
      await sleep(150);
      for (const r of recs) handled.get(r.attributes['MessageGroupId']!)!.push(r.body.slice(0, 5));
      for (const g of mine) running.set(g, running.get(g)! - 1);
      t.now--;
    };
    const { poller } = await bed.startPoller(q, handler, {
      batchSize: 10,
      maxPayloadBytes: 5000,
      scaling: { addPerMinute: 6000 },
    });
    let buffered = 0;
    await waitFor(
      () => {
        buffered = Math.max(buffered, poller.status().buffered);
        return [...handled.values()].every((h) => h.length >= per);
      },
      60_000,
      'all messages',
    );
    await waitFor(async () => (await bed.remaining(q)) === 0, 20_000, 'every message deleted');
    expect(buffered).toBeGreaterThan(0); // the case above really happened: messages waited behind their group
    expect(t.batches).toBeGreaterThanOrEqual((groups.length * per) / 2);
    for (const g of groups)
      expect(handled.get(g)).toEqual(Array.from({ length: per }, (_, i) => `${g}-${String(i).padStart(2, '0')}`));
    expect(t.groupPeak).toBe(1);
    expect(t.peak).toBeLessThanOrEqual(groups.length);
  });

  it('SQS-12 extends visibility while a batch fills when window + function timeout exceed the visibility timeout', async () => {
    const q = await bed.createQueue('extend', { VisibilityTimeout: '1' });
    await bed.send(q, ['once']);
    const counts: string[] = [];
    const { metrics } = await bed.startPoller(
      q,
      (e) => void counts.push(...(e.Records as Rec[]).map((r) => r.attributes['ApproximateReceiveCount']!)),
      { batchSize: 20, maxBatchingWindowMs: 3000, functionTimeoutMs: 1000 },
    );
    // Without the extension the message would reappear after 1 s and be received again inside the 3 s window.
    await waitFor(async () => counts.length === 1 && (await bed.remaining(q)) === 0, 20_000, 'one delivery');
    expect(counts).toEqual(['1']);
    expect(metrics.count('sluice_polled_events_total')).toBe(1);
  });

  it('SQS-13 function errors lower the concurrency unless ReportBatchItemFailures is on', async () => {
    const run = async (reportBatchItemFailures: boolean) => {
      const q = await bed.createQueue(reportBatchItemFailures ? 'err-rbif' : 'err');
      await bed.send(
        q,
        Array.from({ length: 10 }, (_, i) => `e-${i}`),
      );
      const { poller, metrics } = await bed.startPoller(
        q,
        () => {
          throw new Error('fails');
        },
        { batchSize: 1, reportBatchItemFailures, backlogIntervalMs: 0 },
      );
      await waitFor(() => metrics.count('sluice_failed_invoke_events_total') >= 10, 20_000, 'ten failures');
      return poller.status().concurrency;
    };
    expect(await run(false)).toBe(2);
    expect(await run(true)).toBeGreaterThanOrEqual(5);
  });

  it('P-13 the next batching window starts when the previous invocation finished', async () => {
    const q = await bed.createQueue('window');
    await bed.send(
      q,
      Array.from({ length: 25 }, (_, i) => `w-${i}`),
    );
    const invs: Array<{ n: number; start: number; end: number }> = [];
    await bed.startPoller(
      q,
      async (e) => {
        const start = Date.now();
        await sleep(invs.length === 0 ? 2500 : 0);
        invs.push({ n: e.Records.length, start, end: Date.now() });
      },
      { batchSize: 20, maxBatchingWindowMs: 1000, scaling: { initial: 1, min: 1, max: 1 } },
    );
    await waitFor(() => invs.reduce((n, i) => n + i.n, 0) >= 25, 20_000, 'all messages');
    // The five left over waited on the queue through the 2.5 s invocation; their window opened when it ended.
    expect(invs.length).toBeGreaterThanOrEqual(2);
    expect(invs[1]!.start - invs[0]!.end).toBeGreaterThanOrEqual(950);
  });

  it('P-12 closes a batch before its event would reach 6 MB; every message still arrives once', async () => {
    const q = await bed.createQueue('six-mb');
    const big = (i: number) => `${i}-`.padEnd(240 * 1024, 'x'); // 30 × 240 KB ≈ 7 MB: cannot be one event
    for (let i = 0; i < 30; i++)
      await bed.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: big(i) }));
    const sizes: number[] = [];
    const got: string[] = [];
    await bed.startPoller(
      q,
      (e) => {
        sizes.push(Buffer.byteLength(JSON.stringify(e)));
        got.push(...(e.Records as Rec[]).map((r) => r.body.split('-')[0]!));
      },
      { batchSize: 30, maxBatchingWindowMs: 2000, scaling: { initial: 1, min: 1 } },
    );
    await waitFor(async () => got.length >= 30 && (await bed.remaining(q)) === 0, 30_000, 'all messages');
    expect(got.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
  });

  describe('partial batch responses (ReportBatchItemFailures)', () => {
    const forms: Array<[string, (ids: string[]) => unknown]> = [
      ['an empty batchItemFailures list', () => ({ batchItemFailures: [] })],
      ['batchItemFailures: null', () => ({ batchItemFailures: null })],
      ['an empty object', () => ({})],
      ['a null response', () => null],
    ];
    it.each(forms)('SQS-18 complete success on %s: every message is deleted', async (_name, answer) => {
      const q = await bed.createQueue('ok-form');
      await bed.send(q, ['a', 'b', 'c']);
      const { poller, metrics } = await bed.startPoller(
        q,
        (e) => answer((e.Records as Rec[]).map((r) => r.messageId)),
        {
          reportBatchItemFailures: true,
        },
      );
      await settled(poller, metrics, 3);
      await waitFor(async () => (await bed.remaining(q)) === 0, 10_000, 'empty queue');
      expect(metrics.count('sluice_deleted_events_total')).toBe(3);
      expect(metrics.count('sluice_failed_invoke_events_total')).toBe(0);
    });

    const failures: Array<[string, (ids: string[]) => unknown]> = [
      ['an itemIdentifier that is ""', () => ({ batchItemFailures: [{ itemIdentifier: '' }] })],
      ['an itemIdentifier that is null', () => ({ batchItemFailures: [{ itemIdentifier: null }] })],
      ['a wrongly named key (ItemIdentifier)', (ids) => ({ batchItemFailures: [{ ItemIdentifier: ids[0] }] })],
      [
        'a message id that is not in the batch',
        () => ({ batchItemFailures: [{ itemIdentifier: '00000000-0000-0000-0000-000000000000' }] }),
      ],
    ];
    it.each(failures)('SQS-19 complete failure on %s: nothing is deleted', async (_name, answer) => {
      const q = await bed.createQueue('bad-form');
      await bed.send(q, ['a', 'b', 'c']);
      const { poller, metrics } = await bed.startPoller(
        q,
        (e) => answer((e.Records as Rec[]).map((r) => r.messageId)),
        { reportBatchItemFailures: true, batchSize: 3, maxBatchingWindowMs: 0 },
      );
      await settled(poller, metrics, 3);
      expect(metrics.count('sluice_deleted_events_total')).toBe(0);
      expect(metrics.count('sluice_failed_invoke_events_total')).toBe(3);
      expect(await bed.remaining(q)).toBe(3); // in flight until their visibility timeout runs out
    });

    it('SQS-19 complete failure on a response that is not JSON: nothing is deleted', async () => {
      const q = await bed.createQueue('not-json');
      await bed.send(q, ['a', 'b', 'c']);
      const notJson: Invoker = {
        has: () => true,
        invoke: () =>
          Promise.resolve({
            kind: 'success',
            payload: Buffer.from('{"batchItemFailures": ['),
            durationMs: 1,
            coldStart: false,
          }),
      };
      const { poller, metrics } = await bed.startPoller(q, notJson, { reportBatchItemFailures: true });
      await settled(poller, metrics, 3);
      expect(metrics.count('sluice_deleted_events_total')).toBe(0);
      expect(await bed.remaining(q)).toBe(3);
    });

    it('SQS-20 a function error fails the whole batch even with ReportBatchItemFailures on', async () => {
      const q = await bed.createQueue('throws');
      await bed.send(q, ['a', 'b', 'c']);
      const { poller, metrics } = await bed.startPoller(
        q,
        jsInvoker(() => {
          throw new Error('boom');
        }),
        { reportBatchItemFailures: true },
      );
      await settled(poller, metrics, 3);
      expect(metrics.count('sluice_deleted_events_total')).toBe(0);
      expect(metrics.count('sluice_failed_invoke_events_total')).toBe(3);
      expect(await bed.remaining(q)).toBe(3);
    });
  });
});
