import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../../../src/core/esm/checkpoint-tracker.js';
import { laneOf } from '../../../../src/core/esm/lane-hash.js';
import { parseStreamResponse } from '../../../../src/core/esm/stream-response.js';
import { buildStreamFailureRecord } from '../../../../src/core/records/stream-failure-record.js';
import { buildStreamBatchInfo } from '../../../../src/ports/stream-batch-info.js';

describe('stream engine parts', () => {
  it('STR-9 D-2 the checkpoint only moves over the finished prefix', () => {
    const t = new CheckpointTracker();
    const [a, b, c] = ['p1', 'p2', 'p3'].map((position) => t.add({ position }));
    t.markDone(b!);
    t.markDone(c!);
    expect(t.advance()).toBeUndefined();
    expect(t.pending).toBe(3);
    expect(t.unfinished).toBe(1);
    t.markDone(a!);
    expect(t.advance()).toBe('p3');
    expect(t.pending).toBe(0);
    expect(t.advance()).toBeUndefined();
  });

  it('D-2 lanes are stable per key and spread keys', () => {
    expect(laneOf('k', 1)).toBe(0);
    expect(laneOf('order-17', 4)).toBe(laneOf('order-17', 4));
    const used = new Set(Array.from({ length: 100 }, (_, i) => laneOf(`key-${i}`, 4)));
    expect(used.size).toBe(4);
  });

  it('KAF-15/D-1 batchItemFailures identifiers match the batch structurally: any key order, no extra keys, no coercion', () => {
    const ids = ['100', { partition: 0, offset: 7 }];
    const on = { reportBatchItemFailures: true, requireState: false };
    const reply = (...items: unknown[]) =>
      parseStreamResponse(
        Buffer.from(JSON.stringify({ batchItemFailures: items.map((i) => ({ itemIdentifier: i })) })),
        ids,
        on,
      );
    expect(reply({ offset: 7, partition: 0 })).toMatchObject({ kind: 'partial', fromIndex: 1 });
    expect(reply('100', { partition: 0, offset: 7 })).toMatchObject({ kind: 'partial', fromIndex: 0, listed: 2 });
    expect(reply(100).kind).toBe('invalid');
    expect(reply({ partition: 0, offset: '7' }).kind).toBe('invalid');
    expect(reply({ partition: 0, offset: 7, extra: null }).kind).toBe('invalid');
    expect(reply([0, 7]).kind).toBe('invalid');
  });

  it('STR-29 failure record: version 1.0, ISO timestamp, batch info merged under its key', () => {
    const info = buildStreamBatchInfo(
      'shardId-000000000001',
      'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
      [
        { position: '1', arrivalMs: Date.UTC(2019, 10, 14, 0, 38, 4, 835) },
        { position: '9', arrivalMs: Date.UTC(2019, 10, 14, 0, 38, 5, 580) },
      ],
      false,
    );
    const rec = buildStreamFailureRecord({
      requestId: 'r',
      functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 1,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      timestampMs: Date.UTC(2019, 10, 14, 0, 38, 6, 21),
      batchInfo: { KinesisBatchInfo: info },
    });
    expect(rec.timestamp).toBe('2019-11-14T00:38:06.021Z');
    expect(rec.version).toBe('1.0');
    expect(rec.KinesisBatchInfo).toEqual({
      shardId: 'shardId-000000000001',
      startSequenceNumber: '1',
      endSequenceNumber: '9',
      approximateArrivalOfFirstRecord: '2019-11-14T00:38:04.835Z',
      approximateArrivalOfLastRecord: '2019-11-14T00:38:05.580Z',
      batchSize: 2,
      streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
    });
  });
});
