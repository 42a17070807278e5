// #20 item 3 (reads): a shard's read-ahead is capped in bytes as well as records (twice the 6 MB event per lane),
// so a shard of 100 KB records holds ~12 MB waiting, not 1,000 records (100 MB); small records still read whole
// pages (the record read-ahead).
import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const RECORD = 100 * 1024;
const MB6 = 6 * 1024 * 1024;

describe('stream shard worker: byte read-ahead', () => {
  it('P-12 STR-5 a stuck lane of 100 KB records reads at most twice the largest event ahead, then delivers all in order', async () => {
    const h = harness({ batchSize: 100 });
    const data = Array.from({ length: 2000 }, (_, i) => ({ data: `r${i}`, sizeBytes: RECORD }));
    h.source.put('shard-0', data);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.invoker.behaviour = async () => {
      await gate;
      return ok();
    };
    await h.mapping.start();
    await h.clock.advance(30_000);
    const polled = h.metrics.count(StreamMetric.polled);
    // One batch in flight (≤ 6 MB) + the 12 MB read-ahead + one read of its free half, in 100 KB records.
    const bound = Math.ceil((MB6 + 2 * MB6 + MB6) / RECORD);
    expect(polled).toBeGreaterThan(100);
    expect(polled).toBeLessThanOrEqual(bound);
    release();
    await h.clock.runUntil(() => h.invoker.seen.length === 2000, 600_000);
    expect(h.invoker.seen).toEqual(data.map((d) => d.data));
    await h.stop();
  });

  it('STR-1 small records still read the whole record read-ahead in one page', async () => {
    const h = harness({ batchSize: 100 });
    h.source.put(
      'shard-0',
      Array.from({ length: 3000 }, (_, i) => `r${i}`),
    );
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 3000, 600_000);
    // The first read takes one batch (sizes unknown yet); then pages of the 1,000-record read-ahead.
    expect(h.metrics.count(StreamMetric.polled)).toBe(3000);
    expect(h.source.readLimits[0]).toBe(100);
    expect(h.invoker.calls.length).toBe(30);
    await h.stop();
  });

  it('STR-1 a source whose server caps a page in bytes (DynamoDB Streams 1 MB) asks for the whole record read-ahead in its first read', async () => {
    const h = harness({ batchSize: 100 });
    Object.assign(h.source, { maxReadBytes: 1024 * 1024 });
    h.source.put(
      'shard-0',
      Array.from({ length: 3000 }, (_, i) => `r${i}`),
    );
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 3000, 600_000);
    // Twenty batches (the record read-ahead); the connector then asks its server for at most a page.
    expect(h.source.readLimits[0]).toBe(2000);
    expect(h.invoker.seen).toEqual(Array.from({ length: 3000 }, (_, i) => `r${i}`));
    await h.stop();
  });
});
