// A batch that fails unexpectedly (a bug, or a connector's events.event throwing) keeps its records: the parts that
// had already finished stay finished, the rest go back to the front of the lane, in order, and run again later.
import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../../src/ports/sources.js';
import { fnError, ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const dataOf = (records: readonly StreamRecord[]) =>
  records.map((r) => (r.record as { kinesis: { data: string } }).kinesis.data);

describe('a batch that throws', () => {
  it('STR-9 the records of a batch whose event could not be built are kept and delivered in order', async () => {
    const h = harness({ batchSize: 2 });
    const recs = h.source.put('shard-0', ['a', 'b', 'c']);
    const build = h.source.events.event.bind(h.source.events);
    let thrown = 0;
    h.source.events.event = (shard, records) => {
      if (thrown++ === 0) throw new Error('event bug');
      return build(shard, records);
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('c'));
    await h.clock.advance(10);
    expect(h.invoker.calls.map((c) => c.data)).toEqual([['a', 'b'], ['c']]);
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    await h.stop();
  });

  it('STR-16 only the unfinished part of a bisected batch is requeued: a half already given up is not run again', async () => {
    const h = harness({ batchSize: 2, bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 });
    const recs = h.source.put('shard-0', ['bad', 'x', 'y']);
    h.invoker.behaviour = (c) => (c.data.includes('bad') ? fnError() : ok());
    const build = h.source.events.event.bind(h.source.events);
    let thrown = false;
    h.source.events.event = (shard, records) => {
      if (!thrown && dataOf(records).join() === 'x') {
        thrown = true;
        throw new Error('event bug');
      }
      return build(shard, records);
    };
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('y'));
    await h.clock.advance(10);
    expect(thrown).toBe(true);
    expect(h.invoker.calls.map((c) => c.data)).toEqual([['bad', 'x'], ['bad'], ['x', 'y']]);
    expect(await h.checkpoint()).toBe(recs[2]!.position);
    await h.stop();
  });
});
