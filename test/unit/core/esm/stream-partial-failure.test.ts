import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { parseStreamResponse } from '../../../../src/core/esm/stream-response.js';
import type { KinesisLike } from './helpers/fakes.js';
import { ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const seqOf = (c: { event: { Records: KinesisLike[] } }, i: number): string =>
  c.event.Records[i]!.kinesis.sequenceNumber;

describe('ReportBatchItemFailures for streams', () => {
  it('STR-21 rewinds to the lowest failed sequence number and retries every record from it on', async () => {
    const h = harness({ reportBatchItemFailures: true, batchSize: 5 });
    const recs = h.source.put('shard-0', ['a', 'b', 'c', 'd', 'e']);
    const checkpointsAtCall: Array<string | undefined> = [];
    h.invoker.behaviour = async (call, i) => {
      checkpointsAtCall.push(await h.store.checkpoints.get('m-1', 'shard-0'));
      if (i === 0)
        return ok({ batchItemFailures: [{ itemIdentifier: seqOf(call, 3) }, { itemIdentifier: seqOf(call, 1) }] });
      return ok({ batchItemFailures: [] });
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    await h.clock.advance(10);
    expect(h.invoker.calls.map((c) => c.data)).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['b', 'c', 'd', 'e'],
    ]);
    // The record before the lowest failure is done and checkpointed before the retry.
    expect(checkpointsAtCall[1]).toBe(recs[0]!.position);
    expect(await h.checkpoint()).toBe(recs[4]!.position);
    expect(h.metrics.count(StreamMetric.failedInvoke)).toBe(4);
    await h.stop();
  });

  it('STR-21 STR-25 after a rewind the batch at the new checkpoint gets a fresh retry count; functionError is null', async () => {
    const h = harness({ reportBatchItemFailures: true, maximumRetryAttempts: 1, withDestination: true });
    const recs = h.source.put('shard-0', ['a', 'b', 'c']);
    h.invoker.behaviour = (call) =>
      ok({ batchItemFailures: [{ itemIdentifier: seqOf(call, call.data.indexOf('b')) }] });
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    // As AWS: [b, c] starts afresh at the checkpoint after a (first try + 1 retry); only the rewound records go.
    expect(h.invoker.calls.map((c) => c.data)).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
      ['b', 'c'],
    ]);
    const rec = h.destination.sent[0]!;
    // D-3: every invocation that included the discarded records.
    expect(rec.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    // The function returned normally: functionError is present and null.
    expect(rec.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: null });
    expect(rec.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: recs[1]!.position,
      endSequenceNumber: recs[2]!.position,
      batchSize: 2,
    });
    await h.stop();
  });

  it('STR-25 a partial failure at the first record (no checkpoint move) uses a retry attempt', async () => {
    const h = harness({ reportBatchItemFailures: true, maximumRetryAttempts: 1, withDestination: true });
    h.source.put('shard-0', ['a', 'b']);
    h.invoker.behaviour = (call) => ok({ batchItemFailures: [{ itemIdentifier: seqOf(call, 0) }] });
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1);
    expect(h.invoker.calls.map((c) => c.data)).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(h.destination.sent[0]!.requestContext).toMatchObject({ approximateInvokeCount: 2 });
    await h.stop();
  });

  it('STR-19 with bisect on, a partial response splits at the returned item instead of halving', async () => {
    const h = harness({ reportBatchItemFailures: true, bisectBatchOnFunctionError: true, batchSize: 4 });
    h.source.put('shard-0', ['a', 'b', 'c', 'd']);
    h.invoker.behaviour = (call, i) =>
      i === 0 ? ok({ batchItemFailures: [{ itemIdentifier: seqOf(call, 2) }] }) : ok();
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 2);
    expect(h.invoker.calls[1]!.data).toEqual(['c', 'd']);
    await h.stop();
  });

  it('STR-23 D-1 an empty, null or unknown itemIdentifier fails the whole batch', async () => {
    for (const bad of [
      { itemIdentifier: '' },
      { itemIdentifier: null },
      { wrongKey: 'x' },
      { itemIdentifier: '999' },
    ]) {
      const h = harness({ reportBatchItemFailures: true });
      h.source.put('shard-0', ['a', 'b']);
      h.invoker.behaviour = (_c, i) => (i === 0 ? ok({ batchItemFailures: [bad] }) : ok());
      await h.mapping.start();
      await h.clock.runUntil(() => h.invoker.calls.length === 2);
      expect(h.invoker.calls[1]!.data).toEqual(['a', 'b']);
      expect(h.metrics.count(StreamMetric.failedInvoke)).toBe(2);
      await h.stop();
    }
  });

  it('STR-22 STR-26 parses success forms, and ignores the response without the feature', () => {
    const ids = ['1', '2'];
    const on = { reportBatchItemFailures: true, requireState: false };
    for (const body of ['', 'null', '{}', '{"batchItemFailures":null}', '{"batchItemFailures":[]}']) {
      expect(parseStreamResponse(Buffer.from(body), ids, on)).toEqual({ kind: 'success' });
    }
    expect(parseStreamResponse(Buffer.from('{"batchItemFailures":"x"}'), ids, on).kind).toBe('invalid');
    expect(parseStreamResponse(Buffer.from('not json'), ids, on).kind).toBe('invalid');
    const failing = Buffer.from('{"batchItemFailures":[{"itemIdentifier":"2"}]}');
    expect(parseStreamResponse(failing, ids, on)).toEqual({ kind: 'partial', fromIndex: 1, listed: 1 });
    expect(parseStreamResponse(failing, ids, { reportBatchItemFailures: false, requireState: false })).toEqual({
      kind: 'success',
    });
  });

  it('KAF-15 compares object identifiers ({partition, offset}) by deep equality', () => {
    const ids = [
      { partition: 't-0', offset: 10 },
      { partition: 't-0', offset: 11 },
    ];
    const body = Buffer.from(
      JSON.stringify({ batchItemFailures: [{ itemIdentifier: { offset: 11, partition: 't-0' } }] }),
    );
    expect(parseStreamResponse(body, ids, { reportBatchItemFailures: true, requireState: false })).toEqual({
      kind: 'partial',
      fromIndex: 1,
      listed: 1,
    });
    const unknown = Buffer.from(
      JSON.stringify({ batchItemFailures: [{ itemIdentifier: { partition: 't-1', offset: 11 } }] }),
    );
    expect(parseStreamResponse(unknown, ids, { reportBatchItemFailures: true, requireState: false }).kind).toBe(
      'invalid',
    );
  });

  it('STR-26 without ReportBatchItemFailures a partial response counts as full success', async () => {
    const h = harness();
    const recs = h.source.put('shard-0', ['a', 'b']);
    h.invoker.behaviour = (call) => ok({ batchItemFailures: [{ itemIdentifier: seqOf(call, 0) }] });
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    await h.clock.advance(2000);
    expect(h.invoker.calls).toHaveLength(1);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });
});
