import { describe, expect, it } from 'vitest';
import { awsStreamEvents } from '../../../../connectors/_aws/stream-source.js';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import type { StreamSource } from '../../../../src/ports/sources.js';
import { fnError, ok, systemError, throttle } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

describe('stream failure handling', () => {
  it('STR-10 blocks the shard and retries the same batch until it succeeds', async () => {
    const h = harness({ batchSize: 2 });
    const recs = h.source.put('shard-0', ['a', 'b', 'c']);
    h.invoker.behaviour = (_c, i) => (i < 3 ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('c'));
    expect(h.invoker.calls.map((c) => c.data)).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b'], ['c']]);
    // Backoff between retries, no retry budget limit with -1.
    const gaps = h.invoker.calls.slice(1, 4).map((c, i) => c.at - h.invoker.calls[i]!.at);
    expect(gaps.every((g) => g > 0)).toBe(true);
    await h.clock.advance(10);
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    expect(h.metrics.count(StreamMetric.failedInvoke)).toBe(6);
    await h.stop();
  });

  it('STR-13 STR-14 STR-27..29 retries exhausted: discards with a RetryAttemptsExhausted record and moves on', async () => {
    const h = harness({ batchSize: 2, maximumRetryAttempts: 2, withDestination: true });
    const recs = h.source.put('shard-0', [
      { data: 'a', arrivalMs: Date.UTC(2026, 0, 1, 0, 0, 0, 123) },
      { data: 'b', arrivalMs: Date.UTC(2026, 0, 1, 0, 0, 0, 456) },
      'c',
    ]);
    h.invoker.behaviour = (c) => (c.data.includes('a') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('c'));
    await h.clock.advance(10);
    // MaximumRetryAttempts does not count the first attempt.
    expect(h.invoker.calls.filter((c) => c.data.includes('a'))).toHaveLength(3);
    expect(h.destination.sent).toHaveLength(1);
    const rec = h.destination.sent[0]!;
    expect(rec).toEqual({
      requestContext: {
        requestId: 'req-3',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      KinesisBatchInfo: {
        shardId: 'shard-0',
        startSequenceNumber: recs[0]!.position,
        endSequenceNumber: recs[1]!.position,
        approximateArrivalOfFirstRecord: '2026-01-01T00:00:00.123Z',
        approximateArrivalOfLastRecord: '2026-01-01T00:00:00.456Z',
        batchSize: 2,
        streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/test',
      },
    });
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    expect(h.metrics.count(StreamMetric.onFailureDelivered)).toBe(2);
    expect(h.metrics.count(StreamMetric.dropped)).toBe(0);
    await h.stop();
  });

  it('STR-29 DynamoDB sources name the block DDBStreamBatchInfo with second-precision arrival times', async () => {
    const h = harness({ maximumRetryAttempts: 0, withDestination: true });
    // The DynamoDB connector's events (connectors/_aws), as its source builds them.
    const ddb = awsStreamEvents(h.source.arn, 'DDBStreamBatchInfo');
    h.source.events.failureInfo = (shard, records) => ddb.failureInfo(shard, records);
    h.source.put('shard-0', [{ data: 'a', arrivalMs: Date.UTC(2026, 0, 1, 0, 13, 19, 500) }]);
    h.invoker.behaviour = () => fnError();
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    const rec = h.destination.sent[0]!;
    expect(rec.KinesisBatchInfo).toBeUndefined();
    expect(rec.DDBStreamBatchInfo).toMatchObject({
      approximateArrivalOfFirstRecord: '2026-01-01T00:13:19Z',
      batchSize: 1,
    });
    await h.stop();
  });

  it('KAF-17 a source can supply its own batch description (KafkaBatchInfo)', async () => {
    const h = harness({ maximumRetryAttempts: 0, withDestination: true });
    h.source.events.failureInfo = (_shard, records) => ({
      KafkaBatchInfo: { batchSize: records.length, eventSourceArn: 'arn:aws:kafka:x', payloadSize: 100 },
    });
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = () => fnError();
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    const rec = h.destination.sent[0]!;
    expect(rec.KinesisBatchInfo).toBeUndefined();
    expect(rec.KafkaBatchInfo).toEqual({ batchSize: 1, eventSourceArn: 'arn:aws:kafka:x', payloadSize: 100 });
    expect(rec.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 });
    await h.stop();
  });

  it('STR-14 without a destination discarded records are dropped, counted, and the shard moves on', async () => {
    const h = harness({ maximumRetryAttempts: 1, batchSize: 1 });
    const recs = h.source.put('shard-0', ['bad', 'good']);
    h.invoker.behaviour = (c) => (c.data[0] === 'bad' ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('good'));
    await h.clock.advance(10);
    expect(h.metrics.count(StreamMetric.dropped)).toBe(1);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });

  it('STR-15 D-4 records past MaximumRecordAgeInSeconds are discarded without invoking (RecordAgeExceeded, approximateInvokeCount 1, responseContext null)', async () => {
    const h = harness({ maximumRecordAgeMs: 60_000, withDestination: true });
    const old = h.clock.now() - 3_600_000;
    const recs = h.source.put('shard-0', [
      { data: 'old1', arrivalMs: old },
      { data: 'old2', arrivalMs: old + 1 },
    ]);
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    await h.clock.advance(10);
    expect(h.invoker.calls).toHaveLength(0);
    const rec = h.destination.sent[0]!;
    // AWS's recorded age-expiry records say 1 even when the function never ran; responseContext stays null (D-4).
    expect(rec.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 1 });
    expect(rec.responseContext).toBeNull();
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });

  it('STR-10 STR-15 D-4 a failing batch is retried until its records pass the age limit', async () => {
    const h = harness({
      maximumRecordAgeMs: 60_000,
      withDestination: true,
      retryBackoff: { baseMs: 1000, maxMs: 10_000 },
    });
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = () => fnError();
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    const rec = h.destination.sent[0]!;
    const count = (rec.requestContext as { approximateInvokeCount: number }).approximateInvokeCount;
    expect(rec.requestContext).toMatchObject({ condition: 'RecordAgeExceeded' });
    expect(count).toBe(h.invoker.calls.length);
    expect(count).toBeGreaterThan(1);
    expect(rec.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    await h.stop();
  });

  it('STR-12 throttles and system errors do not use up MaximumRetryAttempts and back off', async () => {
    const h = harness({ maximumRetryAttempts: 0, withDestination: true });
    h.source.put('shard-0', ['a']);
    h.invoker.behaviour = (_c, i) => (i < 3 ? throttle() : i < 6 ? systemError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 7);
    await h.clock.advance(10);
    expect(h.destination.sent).toHaveLength(0);
    expect(h.metrics.count(StreamMetric.failedInvoke)).toBe(0);
    const at = h.invoker.calls.map((c) => c.at);
    expect(at[1]! - at[0]!).toBeGreaterThan(0);
    expect(at[2]! - at[1]!).toBeGreaterThan(at[1]! - at[0]!);
    expect(await h.checkpoint()).toBeDefined();
    await h.stop();
  });

  it('STR-30 a failed destination delivery is retried (shard stays blocked) and counted, never lost', async () => {
    const h = harness({ maximumRetryAttempts: 0, batchSize: 1, withDestination: true });
    const recs = h.source.put('shard-0', ['bad', 'next']);
    h.destination.failNext = 3;
    h.invoker.behaviour = (c) => (c.data[0] === 'bad' ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.metrics.count(StreamMetric.destinationDeliveryFailures) === 3);
    expect(h.invoker.seen).toEqual(['bad']);
    expect(await h.checkpoint()).toBeUndefined();
    await h.clock.runUntil(() => h.invoker.seen.includes('next'));
    await h.clock.advance(10);
    expect(h.destination.sent).toHaveLength(1);
    expect(h.metrics.count(StreamMetric.onFailureDelivered)).toBe(1);
    expect(h.metrics.labels.get(StreamMetric.destinationDeliveryFailures)).toEqual({
      function: 'fn',
      destination_type: 'sqs',
    });
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });

  it('KAF-18 a source may send one message per record; a failed one is retried without resending the others', async () => {
    const h = harness({ maximumRetryAttempts: 0, batchSize: 3, withDestination: true });
    const recs = h.source.put('shard-0', ['x', 'y', 'z', 'next']);
    const asked: string[] = [];
    const source: StreamSource = h.source;
    source.events.destinationRecords = (arn, _shard, records, batchRecord) => {
      asked.push(arn);
      return records.map((r) => ({
        one: r.position,
        condition: (batchRecord.requestContext as { condition: string }).condition,
      }));
    };
    // The second message fails once: the first is not sent again.
    const send = h.destination.send.bind(h.destination);
    let calls = 0;
    h.destination.send = (record, ctx) => (++calls === 2 ? Promise.reject(new Error('down')) : send(record, ctx));
    h.invoker.behaviour = (c) => (c.data.includes('x') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('next'));
    await h.clock.advance(10);
    expect(asked).toEqual([h.destination.arn]);
    expect(h.destination.sent).toEqual(
      recs.slice(0, 3).map((r) => ({ one: r.position, condition: 'RetryAttemptsExhausted' })),
    );
    expect(await h.checkpoint()).toBe(recs[3]!.position);
    await h.stop();
  });

  it('D-4 P-12 a single record larger than the payload cap goes out as MaximumPayloadSizeExceeded', async () => {
    const h = harness({ withDestination: true });
    h.source.put('shard-0', [{ data: 'huge', sizeBytes: 7_000_000 }, 'small']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('small'));
    expect(h.invoker.seen).toEqual(['small']);
    const rec = h.destination.sent[0]!;
    expect(rec.requestContext).toMatchObject({ condition: 'MaximumPayloadSizeExceeded', approximateInvokeCount: 0 });
    expect(rec.responseContext).toBeNull();
    await h.stop();
  });
});

describe('BisectBatchOnFunctionError', () => {
  it('STR-16 STR-17 D-3 halves in order, splits do not use retries, a lone bad record is discarded with its invoke count', async () => {
    const h = harness({
      batchSize: 4,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
      withDestination: true,
    });
    const recs = h.source.put('shard-0', ['r1', 'r2', 'bad', 'r4', 'r5']);
    h.invoker.behaviour = (c) => (c.data.includes('bad') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('r5'));
    await h.clock.advance(10);
    expect(h.invoker.calls.map((c) => c.data)).toEqual([
      ['r1', 'r2', 'bad', 'r4'],
      ['r1', 'r2'],
      ['bad', 'r4'],
      ['bad'],
      ['bad'],
      ['r4'],
      ['r5'],
    ]);
    expect(h.destination.sent).toHaveLength(1);
    const rec = h.destination.sent[0]!;
    expect(rec.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 });
    expect(rec.KinesisBatchInfo).toMatchObject({ startSequenceNumber: recs[2]!.position, batchSize: 1 });
    expect(await h.checkpoint()).toBe(recs[4]!.position);
    await h.stop();
  });

  it('STR-17 BatchSize is unchanged for later batches after a bisect', async () => {
    const h = harness({ batchSize: 2, bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 });
    h.source.put('shard-0', ['bad', 'x', 'y', 'z']);
    h.invoker.behaviour = (c) => (c.data.includes('bad') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('z'));
    expect(h.invoker.calls.map((c) => c.data)).toEqual([['bad', 'x'], ['bad'], ['x'], ['y', 'z']]);
    await h.stop();
  });
});
