import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/state/memory.js';
import { FakeStreamSource, fnError, ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

/** A shard 'a', 'b', 'c', 'd' whose function fails 'c' forever (batches of one), on a store that already says things. */
function poisonRun(positions: 'engine' | 'source') {
  const clock = new SimClock();
  const source = new FakeStreamSource(clock).addShard('shard-0');
  source.positions = positions;
  const store = new MemoryStateStore({ clock });
  const recs = source.put('shard-0', ['a', 'b', 'c', 'd']);
  const h = harness({ batchSize: 1 }, { clock, source, store });
  h.invoker.behaviour = (c) => (c.data[0] === 'c' ? fnError() : ok());
  return { h, source, store, recs };
}

describe('who keeps a stream source positions (StreamSource.positions)', () => {
  it('STR-9 a source that keeps its positions gets only the done prefix through its reader commit; the state store is never read or written', async () => {
    const { h, source, store, recs } = poisonRun('source');
    // Anything the state store says about the shard is not the engine's business for such a source.
    await store.checkpoints.set('m-1', 'shard-0', recs[0]!.position);
    await store.checkpoints.markFinished('m-1', 'shard-0');
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.filter((c) => c.data[0] === 'c').length >= 3);
    await h.clock.advance(10);
    expect(source.opens[0]!.from).toEqual({ type: 'TRIM_HORIZON' });
    expect(source.commits.map((c) => c.position)).toEqual([recs[0]!.position, recs[1]!.position]);
    await h.stop();
    expect(source.commits.at(-1)!.position).toBe(recs[1]!.position);
    expect(await store.checkpoints.get('m-1', 'shard-0')).toBe(recs[0]!.position);
  });

  it('STR-9 a source with engine-kept positions never gets commit: the state store holds the done prefix', async () => {
    const { h, source, recs } = poisonRun('engine');
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.filter((c) => c.data[0] === 'c').length >= 3);
    await h.clock.advance(10);
    await h.stop();
    expect(source.commits).toEqual([]);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
  });

  it('a commit due while no reader is open (after a failed read) is made through the reopened reader', async () => {
    const clock = new SimClock();
    const source = new FakeStreamSource(clock).addShard('shard-0');
    source.positions = 'source';
    const [a] = source.put('shard-0', ['a']);
    const h = harness({}, { clock, source });
    let release: () => void = () => {};
    h.invoker.behaviour = () => new Promise((resolve) => (release = () => resolve(ok())));
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length === 1);
    source.failReads = 1;
    await h.clock.runUntil(() => source.failReads === 0);
    release();
    await h.clock.runUntil(() => source.commits.length === 1);
    expect(source.commits).toEqual([{ shardId: 'shard-0', position: a!.position, open: 1 }]);
    expect(source.opens[1]!.from).toEqual({ type: 'AFTER', position: a!.position });
    await h.stop();
  });
});
