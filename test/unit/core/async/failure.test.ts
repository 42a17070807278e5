import { describe, expect, it } from 'vitest';
import { lineageHash } from '../../../../src/core/async/lineage.js';
import { ASYNC_METRICS } from '../../../../src/core/async/metric-names.js';
import { LambdaApiError } from '../../../../src/ports/errors.js';
import { fnError, ok, throttle } from './helpers.js';
import { ARN, DLQ, ON_FAILURE, ON_SUCCESS, setup } from './setup.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('async destinations, age, DLQ (ASY-4, ASY-7, ASY-8, ASY-12..14, D-5)', () => {
  it('ASY-12 builds the exact success record', async () => {
    const t = setup({}, [ok({ result: 42 })]);
    await t.engine.submit('my-function', Buffer.from('{"order":7}'), 'req-ok');
    await t.at(0);
    expect(t.destinations.to(ON_SUCCESS)).toEqual([
      {
        address: ON_SUCCESS,
        // The chain's Lineage after this run, for a destination that invokes a function (REC-1).
        ctx: { functionName: 'my-function', traceHeader: `Lineage=${lineageHash(ARN)}:1` },
        record: {
          version: '1.0',
          timestamp: iso(t.start),
          requestContext: {
            requestId: 'req-ok',
            functionArn: `${ARN}:$LATEST`,
            condition: 'Success',
            approximateInvokeCount: 1,
          },
          requestPayload: { order: 7 },
          responseContext: { statusCode: 200, executedVersion: '$LATEST' },
          responsePayload: { result: 42 },
        },
      },
    ]);
    expect(t.destinations.to(ON_FAILURE)).toEqual([]);
  });

  it('ASY-12 builds the exact RetriesExhausted record with the last error', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [fnError('bad input')]);
    await t.engine.submit('my-function', Buffer.from('{"order":7}'), 'req-bad');
    await t.at(0);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toEqual({
      version: '1.0',
      timestamp: iso(t.start),
      requestContext: {
        requestId: 'req-bad',
        functionArn: `${ARN}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 1,
      },
      requestPayload: { order: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'bad input', trace: ['at handler'] },
    });
    expect(t.destinations.to(ON_SUCCESS)).toEqual([]);
  });

  it('ASY-12 a handler returning nothing gives responsePayload null; a qualifier is kept in the ARN', async () => {
    const t = setup({}, [{ kind: 'success', payload: Buffer.alloc(0), durationMs: 1, coldStart: false }]);
    await t.engine.submit('my-function', Buffer.from('"text event"'), 'req-q', '3');
    await t.at(0);
    expect(t.destinations.to(ON_SUCCESS)[0]?.record).toMatchObject({
      requestContext: { functionArn: `${ARN}:3` },
      requestPayload: 'text event',
      responseContext: { executedVersion: '3' },
      responsePayload: null,
    });
  });

  it('ASY-7 EventAgeExceeded without any attempt: no responseContext, count 0, never invoked', async () => {
    const t = setup({ maximumEventAgeMs: MIN }, [ok({})]);
    await t.engine.submit('my-function', Buffer.from('{"x":1}'), 'req-old');
    await t.at(MIN);
    expect(t.invoker.calls).toHaveLength(0);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toEqual({
      version: '1.0',
      timestamp: iso(t.start + MIN),
      requestContext: {
        requestId: 'req-old',
        functionArn: `${ARN}:$LATEST`,
        condition: 'EventAgeExceeded',
        approximateInvokeCount: 0,
      },
      requestPayload: { x: 1 },
    });
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'EventAgeExceeded' })).toBe(1);
  });

  it('ASY-7 ASY-8 D-5 EventAgeExceeded right after the attempt when no retry can start before expiry, with the last response', async () => {
    const t = setup({ maximumEventAgeMs: 90_000 }, [fnError('first'), fnError('second')]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-aged');
    await t.at(0);
    // The next retry would be at 1 min + 2 min = 3 min, past the 90 s expiry: the event fails now, not at 90 s.
    await t.at(MIN);
    expect(t.invokedAt()).toEqual([0, MIN]);
    expect(await t.queue.depth()).toBe(0);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toMatchObject({
      timestamp: iso(t.start + MIN),
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'second' },
    });
  });

  it('ASY-6 ASY-7 D-5 throttled until too old: EventAgeExceeded without responseContext, DLQ ErrorCode 429', async () => {
    const t = setup({ maximumEventAgeMs: MIN, deadLetterTargetArn: DLQ }, [throttle()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-thr');
    for (let s = 0; s <= 60; s++) await t.at(s * 1000);
    expect(t.invokedAt()).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000]);
    const record = t.destinations.to(ON_FAILURE)[0]?.record as Record<string, unknown>;
    // The retry after 31 s would be due at 63 s, past the 60 s limit: failed at once.
    expect(record).toMatchObject({
      timestamp: iso(t.start + 31_000),
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 },
    });
    expect(record).not.toHaveProperty('responseContext');
    expect(t.destinations.to(DLQ)[0]?.ctx.attributes?.ErrorCode).toEqual({ type: 'Number', value: '429' });
  });

  it('ASY-4 D-5 reserved concurrency 0 goes straight to failure: ZeroReservedConcurrency, count 0, no retries', async () => {
    const t = setup({ reservedConcurrency: 0, deadLetterTargetArn: DLQ }, [ok({})]);
    await t.engine.submit('my-function', Buffer.from('{"z":0}'), 'req-zero');
    await t.at(0);
    await t.at(10 * MIN);
    expect(t.invoker.calls).toHaveLength(0);
    expect(t.destinations.to(ON_FAILURE)[0]?.record).toEqual({
      version: '1.0',
      timestamp: iso(t.start),
      requestContext: {
        requestId: 'req-zero',
        functionArn: `${ARN}:$LATEST`,
        condition: 'ZeroReservedConcurrency',
        approximateInvokeCount: 0,
      },
      requestPayload: { z: 0 },
    });
    expect(t.destinations.to(DLQ)).toHaveLength(1);
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'ZeroReservedConcurrency' })).toBe(
      1,
    );
    expect(await t.queue.depth()).toBe(0);
  });

  it('ASY-13 DLQ gets the original event unchanged with RequestID, ErrorCode and the first 1 KB of ErrorMessage', async () => {
    const long = 'é'.repeat(700); // 1400 bytes: cut at 1 KB without splitting a character
    const original = '{ "spaced" :  [1, 2] }';
    const t = setup({ maximumRetryAttempts: 0, onFailure: undefined, deadLetterTargetArn: DLQ }, [fnError(long)]);
    await t.engine.submit('my-function', Buffer.from(original), 'req-dlq');
    await t.at(0);
    const [msg] = t.destinations.to(DLQ);
    expect(Buffer.isBuffer(msg?.record) && msg.record.toString('utf8')).toBe(original);
    expect(msg?.ctx.attributes?.RequestID).toEqual({ type: 'String', value: 'req-dlq' });
    expect(msg?.ctx.attributes?.ErrorCode).toEqual({ type: 'Number', value: '200' });
    const message = msg?.ctx.attributes?.ErrorMessage?.value ?? '';
    expect(Buffer.byteLength(message)).toBe(1024);
    expect(message).toBe('é'.repeat(512));
  });

  it('ASY-13 a DLQ and an on-failure destination are used together', async () => {
    const t = setup({ maximumRetryAttempts: 0, deadLetterTargetArn: DLQ }, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-both');
    await t.at(0);
    expect(t.destinations.to(ON_FAILURE)).toHaveLength(1);
    expect(t.destinations.to(DLQ)).toHaveLength(1);
  });

  it('ASY-10 a failed on-success delivery is counted too; a delivery that recovers is not', async () => {
    const t = setup({}, [ok({})]);
    t.destinations.failing.add(ON_SUCCESS);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-s');
    await t.at(0);
    expect(
      t.metrics.count(ASYNC_METRICS.destinationFailures, { function: 'my-function', destination_type: 'sqs' }),
    ).toBe(1);
  });

  it('ASY-14 §10 counts received, dropped and event age; gauges report depth and oldest age', async () => {
    const t = setup({ maximumRetryAttempts: 0 }, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'a');
    await t.engine.submit('my-function', Buffer.from('{}'), 'b');
    expect(t.metrics.count(ASYNC_METRICS.received, { function: 'my-function' })).toBe(2);
    t.clock.t = t.start + 1_500;
    await t.engine.submit('my-function', Buffer.from('{}'), 'c');
    await t.at(1_500);
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'RetriesExhausted' })).toBe(3);
    expect(t.metrics.observations.map((o) => [o.name, o.labels.function, o.value])).toEqual([
      [ASYNC_METRICS.eventAge, 'my-function', 1.5],
      [ASYNC_METRICS.eventAge, 'my-function', 1.5],
      [ASYNC_METRICS.eventAge, 'my-function', 0],
    ]);
    expect(t.metrics.gauges.get(`${ASYNC_METRICS.queueDepth}{}`)).toBe(0);
  });

  it('§10 the oldest-age gauge follows the oldest stored event', async () => {
    const t = setup({}, [fnError()]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'a');
    await t.at(0);
    await t.at(30_000);
    expect(t.metrics.gauges.get(`${ASYNC_METRICS.queueDepth}{}`)).toBe(1);
    expect(t.metrics.gauges.get(`${ASYNC_METRICS.oldestAge}{}`)).toBe(30);
  });

  it('D-9 rejects an event over the async payload limit with RequestTooLargeException 413', async () => {
    const t = setup({}, [ok({})], { maxPayloadBytes: 10 });
    const err = await t.engine.submit('my-function', Buffer.from('{"too":"large"}'), 'big').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaApiError);
    expect(err).toMatchObject({ name: 'RequestTooLargeException', statusCode: 413 });
    expect(await t.queue.depth()).toBe(0);
  });

  it('drops an event whose function is gone, counted and logged', async () => {
    const t = setup({}, [ok({})]);
    await t.engine.submit('deleted-fn', Buffer.from('{}'), 'req-gone');
    await t.at(0);
    expect(t.metrics.count(ASYNC_METRICS.dropped, { function: 'deleted-fn', reason: 'FunctionNotFound' })).toBe(1);
    expect(t.logger.lines.some((l) => l.level === 'error' && 'requestId' in l.obj)).toBe(true);
  });
});
