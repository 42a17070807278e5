import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { fnError, ok, type InvokeCall } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

type WindowEvent = InvokeCall['event'] & {
  state: { count?: number };
  window: { start: string; end: string };
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
  shardId: string;
  eventSourceARN: string;
};

const counting = (call: InvokeCall) => {
  const e = call.event as WindowEvent;
  if (e.isFinalInvokeForWindow) return ok({});
  return ok({ state: { count: (e.state.count ?? 0) + e.Records.length } });
};

describe('tumbling windows', () => {
  it('STR-31..34 STR-36 carries state between invocations, ends with a final invoke, then checkpoints', async () => {
    const h = harness({ tumblingWindowMs: 60_000, batchSize: 2, windowIdleCloseMs: 120_000 });
    const t0 = h.clock.now();
    const recs = h.source.put('shard-0', [
      { data: 'a', arrivalMs: t0 + 1000 },
      { data: 'b', arrivalMs: t0 + 2000 },
      { data: 'c', arrivalMs: t0 + 3000 },
    ]);
    h.invoker.behaviour = counting;
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    await h.clock.advance(1000);
    expect(await h.checkpoint()).toBeUndefined();
    await h.clock.runUntil(() => h.invoker.calls.length === 3);
    await h.clock.advance(10);
    const events = h.invoker.calls.map((c) => c.event as WindowEvent);
    expect(events[0]).toMatchObject({
      window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' },
      state: {},
      shardId: 'shard-0',
      eventSourceARN: h.source.arn,
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
    expect(events[0]!.Records).toHaveLength(2);
    expect(events[1]).toMatchObject({ state: { count: 2 }, isFinalInvokeForWindow: false });
    expect(events[2]).toMatchObject({ state: { count: 3 }, isFinalInvokeForWindow: true, Records: [] });
    // STR-36: with no new records the window is closed after it ends plus the idle wait.
    expect(h.invoker.calls[2]!.at).toBeGreaterThanOrEqual(t0 + 60_000 + 120_000);
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    await h.stop();
  });

  it('STR-31 a record of the next window closes the current window first; the next window starts with fresh state', async () => {
    const h = harness({ tumblingWindowMs: 60_000 });
    const t0 = h.clock.now();
    h.source.put('shard-0', [
      { data: 'a', arrivalMs: t0 + 1000 },
      { data: 'b', arrivalMs: t0 + 61_000 },
    ]);
    h.invoker.behaviour = counting;
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 3);
    const events = h.invoker.calls.map((c) => c.event as WindowEvent);
    expect(events.map((e) => [e.Records.length, e.isFinalInvokeForWindow, e.state])).toEqual([
      [1, false, {}],
      [0, true, { count: 1 }],
      [1, false, {}],
    ]);
    expect(events[2]!.window.start).toBe('2026-01-01T00:01:00Z');
    await h.stop();
  });

  it('STR-32 a response without state is a failed invocation and is retried', async () => {
    const h = harness({ tumblingWindowMs: 60_000 });
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = (call, i) => (i === 0 ? ok({ nope: 1 }) : counting(call));
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    expect(h.invoker.calls[1]!.data).toEqual(['a']);
    expect((h.invoker.calls[1]!.event as WindowEvent).state).toEqual({});
    await h.stop();
  });

  it('STR-34 a failing final invoke blocks the shard until it succeeds', async () => {
    const h = harness({ tumblingWindowMs: 60_000, windowIdleCloseMs: 0 });
    const recs = h.source.put('shard-0', ['a']);
    let finals = 0;
    h.invoker.behaviour = (call) => {
      if ((call.event as WindowEvent).isFinalInvokeForWindow && ++finals < 3) return fnError();
      return counting(call);
    };
    await h.mapping.start();
    await h.clock.runUntil(() => finals === 3);
    await h.clock.advance(10);
    expect(await h.checkpoint()).toBe(recs[0]!.position);
    await h.stop();
  });

  it('STR-38 a final invoke that keeps failing with finite MaximumRetryAttempts sends the window to the on-failure destination', async () => {
    const h = harness({
      tumblingWindowMs: 60_000,
      windowIdleCloseMs: 0,
      maximumRetryAttempts: 1,
      withDestination: true,
    });
    const recs = h.source.put('shard-0', ['a', 'b']);
    let finals = 0;
    h.invoker.behaviour = (call) => {
      if ((call.event as WindowEvent).isFinalInvokeForWindow) {
        finals++;
        return fnError();
      }
      return counting(call);
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    await h.clock.advance(10);
    // First try + 1 retry of the final invoke, which carries no records and is never bisected.
    expect(finals).toBe(2);
    expect(h.invoker.calls.filter((c) => (c.event as WindowEvent).isFinalInvokeForWindow).map((c) => c.data)).toEqual([
      [],
      [],
    ]);
    const rec = h.destination.sent[0]!;
    expect(rec.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(rec.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(rec.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: recs[0]!.position,
      endSequenceNumber: recs[1]!.position,
      batchSize: 2,
    });
    expect(h.metrics.count(StreamMetric.onFailureDelivered)).toBe(2);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });

  it('STR-38 with only a record-age limit a failing final invoke stops once the window passes the age', async () => {
    const h = harness({
      tumblingWindowMs: 60_000,
      windowIdleCloseMs: 0,
      maximumRecordAgeMs: 60_000,
      retryBackoff: { baseMs: 1000, maxMs: 10_000 },
      withDestination: true,
    });
    const recs = h.source.put('shard-0', ['a']);
    h.invoker.behaviour = (call) => ((call.event as WindowEvent).isFinalInvokeForWindow ? fnError() : counting(call));
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    await h.clock.advance(10);
    const finals = h.invoker.calls.filter((c) => (c.event as WindowEvent).isFinalInvokeForWindow).length;
    const rec = h.destination.sent[0]!;
    expect(rec.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: finals });
    expect(finals).toBeGreaterThanOrEqual(1);
    expect(await h.checkpoint()).toBe(recs[0]!.position);
    await h.stop();
  });

  it('STR-38 a window longer than MaximumRecordAgeInSeconds still gets its final invoke', async () => {
    const h = harness({
      tumblingWindowMs: 300_000,
      windowIdleCloseMs: 0,
      maximumRecordAgeMs: 60_000,
      withDestination: true,
    });
    const recs = h.source.put('shard-0', ['a']);
    h.invoker.behaviour = counting;
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    await h.clock.advance(10);
    expect((h.invoker.calls[1]!.event as WindowEvent).isFinalInvokeForWindow).toBe(true);
    expect(h.destination.sent).toHaveLength(0);
    expect(await h.checkpoint()).toBe(recs[0]!.position);
    await h.stop();
  });

  it('STR-35 state over 1 MB ends the window early', async () => {
    const h = harness({ tumblingWindowMs: 60_000, batchSize: 1 });
    h.source.put('shard-0', ['a', 'b']);
    const big = 'x'.repeat(1024 * 1024 + 10);
    h.invoker.behaviour = (call) =>
      (call.event as WindowEvent).isFinalInvokeForWindow ? ok({}) : ok({ state: { big } });
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 3);
    const events = h.invoker.calls.map((c) => c.event as WindowEvent);
    expect(events[1]).toMatchObject({ isFinalInvokeForWindow: true, isWindowTerminatedEarly: true, Records: [] });
    expect(events[2]).toMatchObject({ isFinalInvokeForWindow: false, state: {} });
    expect(h.invoker.calls[2]!.data).toEqual(['b']);
    await h.stop();
  });

  it('STR-37 when a shard ends its current window closes', async () => {
    const h = harness({ tumblingWindowMs: 60_000 });
    h.source.put('shard-0', ['a']);
    h.source.closeShard('shard-0');
    h.invoker.behaviour = counting;
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    expect((h.invoker.calls[1]!.event as WindowEvent).isFinalInvokeForWindow).toBe(true);
    expect(h.invoker.calls[1]!.at - h.invoker.calls[0]!.at).toBeLessThan(1000);
    await h.clock.advance(10);
    expect(await h.store.checkpoints.isFinished('m-1', 'shard-0')).toBe(true);
    await h.stop();
  });
});
