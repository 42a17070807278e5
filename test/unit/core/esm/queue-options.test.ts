import { describe, expect, it } from 'vitest';
import { checkVisibilityTimeout, resolveQueueOptions } from '../../../../src/core/esm/queue-options.js';

const base = {
  mappingId: 'm',
  functionName: 'f',
  batchSize: 10,
  maxBatchingWindowMs: 0,
  reportBatchItemFailures: false,
  fifo: false,
  functionTimeoutMs: 3000,
};

describe('resolveQueueOptions', () => {
  it('D-10 defaults scaling to 5 initial, +300/min, 1250 max', () => {
    const o = resolveQueueOptions(base);
    expect(o.scaling).toMatchObject({ initial: 5, addPerMinute: 300, max: 1250 });
    expect(o.longPollMs).toBe(20_000);
    expect(o.maxPayloadBytes).toBe(6 * 1024 * 1024);
  });

  it('D-12/P-1 rejects BatchSize > 10 without a batching window of at least 1 s', () => {
    expect(() => resolveQueueOptions({ ...base, batchSize: 11 })).toThrow(/MaximumBatchingWindowInSeconds/);
    expect(resolveQueueOptions({ ...base, batchSize: 10_000, maxBatchingWindowMs: 1000 }).batchSize).toBe(10_000);
    expect(() => resolveQueueOptions({ ...base, batchSize: 10_001, maxBatchingWindowMs: 1000 })).toThrow();
    expect(() => resolveQueueOptions({ ...base, batchSize: 0 })).toThrow();
  });

  it('SQS-25 FIFO allows at most 10 per batch and no batching window', () => {
    expect(() => resolveQueueOptions({ ...base, fifo: true, batchSize: 11, maxBatchingWindowMs: 1000 })).toThrow(
      /FIFO/,
    );
    expect(() => resolveQueueOptions({ ...base, fifo: true, maxBatchingWindowMs: 1000 })).toThrow(/FIFO/);
  });

  it('SQS-6 MaximumConcurrency must be 2..1000', () => {
    expect(() => resolveQueueOptions({ ...base, maximumConcurrency: 1 })).toThrow();
    expect(() => resolveQueueOptions({ ...base, maximumConcurrency: 1001 })).toThrow();
  });

  it('P-6 rejects a function timeout above the visibility timeout', () => {
    expect(() => resolveQueueOptions({ ...base, functionTimeoutMs: 31_000, visibilityTimeoutMs: 30_000 })).toThrow(
      /visibility timeout/,
    );
    expect(() => checkVisibilityTimeout(30_000, 30_000)).not.toThrow();
  });
});
