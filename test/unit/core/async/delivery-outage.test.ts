// A destination or DLQ that cannot be reached: the event keeps its decided outcome in the queue and only the
// delivery is retried, with capped backoff, until it succeeds (DESIGN "Nothing lost"; issue #13 item 1). Before,
// the event was completed, and so deleted, after three failed sends.
import { describe, expect, it } from 'vitest';
import { ASYNC_METRICS } from '../../../../src/core/async/metric-names.js';
import { fnError, ok } from './helpers.js';
import { ARN, DLQ, ON_FAILURE, ON_SUCCESS, setup } from './setup.js';

const iso = (ms: number) => new Date(ms).toISOString();
const failures = (t: ReturnType<typeof setup>) =>
  t.metrics.count(ASYNC_METRICS.destinationFailures, { function: 'my-function', destination_type: 'sqs' });

describe('destination outage (ASY-10, ASY-13; nothing lost)', () => {
  it('ASY-10 ASY-13 OnFailure and DLQ down: the event stays queued, is never invoked again, and is delivered once they are back', async () => {
    const t = setup({ maximumRetryAttempts: 0, deadLetterTargetArn: DLQ }, [fnError('bad')]);
    t.destinations.failing.add(ON_FAILURE);
    t.destinations.failing.add(DLQ);
    await t.engine.submit('my-function', Buffer.from('{"k":1}'), 'req-down');
    await t.at(0);
    expect(await t.queue.depth()).toBe(1);
    expect(failures(t)).toBe(1);
    expect(t.metrics.count(ASYNC_METRICS.deadLetterErrors, { function: 'my-function' })).toBe(1);
    // Backoff (test policy 1 s doubling, 4 s cap): nothing is due before 1 s, then 2 s, 4 s, 4 s, ...
    expect(await t.at(999)).toBe(0);
    for (const at of [1_000, 3_000, 7_000, 11_000]) expect(await t.at(at)).toBe(1);
    expect(await t.at(14_999)).toBe(0);
    expect(t.destinations.attempts.get(ON_FAILURE)).toBe(5);
    expect(failures(t)).toBe(5);
    // Logged once per outage and destination, with the destination, not once per event and round.
    const errors = t.logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.obj)).toEqual([
      expect.objectContaining({ destination: ON_FAILURE, requestId: 'req-down' }),
      expect.objectContaining({ destination: DLQ, requestId: 'req-down' }),
    ]);
    // The gauges show the waiting event.
    expect(t.metrics.gauges.get(`${ASYNC_METRICS.queueDepth}{}`)).toBe(1);
    expect(t.metrics.gauges.get(`${ASYNC_METRICS.oldestAge}{}`)).toBe(14.999);

    t.destinations.failing.clear();
    await t.at(15_000);
    expect(await t.queue.depth()).toBe(0);
    expect(t.invoker.calls).toHaveLength(1);
    // The record is the one decided at the failed attempt (its time, its count, its response).
    expect(t.destinations.to(ON_FAILURE).map((s) => s.record)).toEqual([
      expect.objectContaining({
        timestamp: iso(t.start),
        requestContext: {
          requestId: 'req-down',
          functionArn: `${ARN}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 1,
        },
        requestPayload: { k: 1 },
        responsePayload: expect.objectContaining({ errorMessage: 'bad' }) as unknown,
      }),
    ]);
    const [dead] = t.destinations.to(DLQ);
    expect(Buffer.isBuffer(dead?.record) && dead.record.toString()).toBe('{"k":1}');
    expect(dead?.ctx.attributes?.ErrorCode).toEqual({ type: 'Number', value: '200' });
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'RetriesExhausted' })).toBe(1);
    expect(t.logger.lines.filter((l) => l.msg === 'destination delivery recovered')).toHaveLength(2);
  });

  it('ASY-13 only the target that failed is retried: OnFailure delivered once, the DLQ again until it works', async () => {
    const t = setup({ maximumRetryAttempts: 0, deadLetterTargetArn: DLQ }, [fnError()]);
    t.destinations.failing.add(DLQ);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-half');
    await t.at(0);
    await t.at(1_000);
    t.destinations.failing.clear();
    await t.at(3_000);
    expect(t.destinations.attempts.get(ON_FAILURE)).toBe(1);
    expect(t.destinations.attempts.get(DLQ)).toBe(3);
    expect(t.destinations.to(DLQ)).toHaveLength(1);
    expect(await t.queue.depth()).toBe(0);
  });

  it('ASY-10 OnSuccess down: the success record waits in the queue and the function is not run again', async () => {
    const t = setup({}, [ok({ done: true })]);
    t.destinations.failing.add(ON_SUCCESS);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-ok');
    await t.at(0);
    await t.at(1_000);
    expect(await t.queue.depth()).toBe(1);
    t.destinations.failing.clear();
    await t.at(3_000);
    expect(t.invoker.calls).toHaveLength(1);
    expect(t.destinations.to(ON_SUCCESS).map((s) => s.record)).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'Success', approximateInvokeCount: 1 }) as unknown,
        responsePayload: { done: true },
      }),
    ]);
    expect(await t.queue.depth()).toBe(0);
  });

  it('ASY-7 a waiting delivery is not subject to MaximumEventAge: the outcome is kept past the limit', async () => {
    const t = setup({ maximumEventAgeMs: 60_000, maximumRetryAttempts: 0 }, [fnError()]);
    t.destinations.failing.add(ON_FAILURE);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-late');
    await t.at(0);
    for (let s = 1; s <= 120; s++) await t.at(s * 1_000);
    t.destinations.failing.clear();
    await t.at(125_000);
    expect(t.destinations.to(ON_FAILURE).map((s) => s.record)).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetriesExhausted' }) as unknown,
      }),
    ]);
    expect(await t.queue.depth()).toBe(0);
  });

  it('ASY-10 a destination known to be down is probed at most once per backoff base; other waiting events skip the send', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [fnError()]);
    t.destinations.failing.add(ON_FAILURE);
    await t.engine.submit('my-function', Buffer.from('{}'), 'a');
    await t.at(0); // a: sent, failed; due again at 1 s
    t.clock.t = t.start + 500;
    await t.engine.submit('my-function', Buffer.from('{}'), 'b');
    await t.at(500); // b: the destination failed 0.5 s ago, so no send; due again at 1.5 s
    expect(t.destinations.attempts.get(ON_FAILURE)).toBe(1);
    await t.at(1_000); // a probes: failed again; due at 3 s
    await t.at(1_500); // b: last failure 0.5 s ago, no send; due at 3.5 s
    expect(t.destinations.attempts.get(ON_FAILURE)).toBe(2);
    expect(failures(t)).toBe(4);
    expect(t.logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    t.destinations.failing.clear();
    await t.at(3_000);
    await t.at(3_500);
    expect(
      t.destinations
        .to(ON_FAILURE)
        .map((s) => (s.record as { requestContext: { requestId: string } }).requestContext.requestId),
    ).toEqual(['a', 'b']);
    expect(t.invoker.calls).toHaveLength(2);
    expect(await t.queue.depth()).toBe(0);
  });
});
