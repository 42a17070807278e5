// DA-8 / DA-9 in the engine: a record its connector rejected (Kafka schema validation) is given up without invoking,
// and filters see a record's filterView when it has one (schema registry SOURCE format filters the decoded form).
import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { RecordFilter } from '../../../../src/core/filter/index.js';
import { PLAIN_RECORDS } from '../../../../src/ports/filter-source.js';
import { harness } from './helpers/setup.js';

const rejected = { condition: 'SchemaValidationFailed', reason: 'not in the Confluent wire format' } as const;

describe('DA-8 rejected records', () => {
  it('DA-8 a rejected record goes to the on-failure destination as SchemaValidationFailed, never invoked; the checkpoint passes it', async () => {
    const h = harness({ withDestination: true, batchSize: 10 });
    const recs = h.source.put('shard-0', ['a', 'bad', 'c']);
    recs[1]!.rejected = rejected;
    await h.mapping.start();
    await h.clock.runUntil(() => h.destination.sent.length === 1 && h.invoker.seen.length === 2);
    await h.clock.advance(10);
    expect(h.invoker.seen).toEqual(['a', 'c']);
    const rec = h.destination.sent[0]!;
    expect(rec.requestContext).toMatchObject({ condition: 'SchemaValidationFailed', approximateInvokeCount: 0 });
    expect(rec.responseContext).toBeNull();
    expect(h.metrics.count(StreamMetric.onFailureDelivered)).toBe(1);
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    await h.stop();
  });

  it('DA-8 without a destination a rejected record is dropped and counted, and the shard moves on', async () => {
    const h = harness({ batchSize: 10 });
    const recs = h.source.put('shard-0', ['bad', 'good']);
    recs[0]!.rejected = rejected;
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('good'));
    await h.clock.advance(10);
    expect(h.invoker.seen).toEqual(['good']);
    expect(h.metrics.count(StreamMetric.dropped)).toBe(1);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    await h.stop();
  });
});

describe('DA-9 filterView', () => {
  it('DA-9 SR-13 the filter reads filterView when the record has one, the function gets the record', async () => {
    const filter = RecordFilter.compile({ Filters: [{ Pattern: JSON.stringify({ tag: ['wanted'] }) }] }, PLAIN_RECORDS);
    const h = harness({ batchSize: 10, filter });
    const recs = h.source.put('shard-0', ['source-1', 'source-2']);
    recs[0]!.filterView = { tag: 'wanted' };
    recs[1]!.filterView = { tag: 'other' };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 1);
    await h.clock.advance(10);
    expect(h.invoker.seen).toEqual(['source-1']);
    expect(h.metrics.count(StreamMetric.filteredOut)).toBe(1);
    await h.stop();
  });
});
