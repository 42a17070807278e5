// #21 operator controls on a stream shard: inspect, skip, pause/resume (the engine part; routes and the
// cross-instance path are tested in test/unit/app and test/integration).
import { describe, expect, it } from 'vitest';
import { StreamMetric } from '../../../../src/core/esm/stream-metrics.js';
import { FakeDestination, fnError, ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const note = { by: 'alice', at: '2026-01-01T00:00:00.000Z' };

describe('#21 operator controls (engine)', () => {
  it('#21 inspect shows the blocked lane: attempts, failing batch positions and error, checkpoint and last read', async () => {
    const h = harness({ batchSize: 2, retryBackoff: { baseMs: 100, maxMs: 60_000 } });
    const recs = h.source.put('shard-0', ['a', 'b', 'poison', 'd']);
    h.invoker.behaviour = (c) => (c.data.includes('poison') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.filter((c) => c.data.includes('poison')).length >= 3);
    await h.clock.advance(10);
    const { owner, shards } = h.mapping.shards();
    expect(owner).toEqual(expect.any(String));
    expect(shards).toHaveLength(1);
    const s = shards[0]!;
    expect(s.shardId).toBe('shard-0');
    expect(s.paused).toBe(false);
    expect(s.position.checkpoint).toBe(recs[1]!.position);
    expect(s.position.lastRead).toBe(recs[3]!.position);
    expect(s.lanes[0]!.status).toBe('retrying');
    expect(s.lanes[0]!.failing).toMatchObject({
      attempts: expect.any(Number) as unknown,
      firstPosition: recs[2]!.position,
      lastPosition: recs[3]!.position,
      records: 2,
      error: 'function error: Error',
    });
    expect(s.lanes[0]!.failing!.attempts).toBeGreaterThanOrEqual(3);
    await h.stop();
  });

  it('#21 skip gives the failing batch up at once as OperatorSkipped (who/when in the record) and the shard moves on', async () => {
    // MaximumRetryAttempts -1 and a long backoff: without the skip the shard would stay blocked.
    const h = harness({ batchSize: 1, withDestination: true, retryBackoff: { baseMs: 60_000, maxMs: 600_000 } });
    const recs = h.source.put('shard-0', ['poison', 'after']);
    h.invoker.behaviour = (c) => (c.data.includes('poison') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 2);
    const before = h.clock.now();
    expect(h.mapping.command('shard-0', { action: 'skip', note })).toEqual({ done: true, skipped: 1 });
    await h.clock.runUntil(() => h.invoker.seen.includes('after'));
    // The skip did not wait out the backoff.
    expect(h.clock.now() - before).toBeLessThan(60_000);
    expect(h.destination.sent).toHaveLength(1);
    expect(h.destination.sent[0]).toMatchObject({
      requestContext: { condition: 'OperatorSkipped', approximateInvokeCount: 2 },
      sluiceOperator: { action: 'skip', by: 'alice', at: note.at },
      KinesisBatchInfo: { startSequenceNumber: recs[0]!.position, endSequenceNumber: recs[0]!.position },
    });
    await h.clock.advance(10);
    expect(await h.checkpoint()).toBe(recs[1]!.position);
    expect(h.metrics.count(StreamMetric.operatorActions)).toBe(1);
    expect(h.mapping.shards().shards[0]!.lanes[0]!.failing).toBeUndefined();
    await h.stop();
  });

  it("#21 park sends the failing batch to the operator's destination instead of the on-failure one", async () => {
    const h = harness({ batchSize: 1, withDestination: true, retryBackoff: { baseMs: 60_000, maxMs: 600_000 } });
    const parking = new FakeDestination();
    h.source.put('shard-0', ['poison', 'after']);
    h.invoker.behaviour = (c) => (c.data.includes('poison') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 2);
    h.mapping.command('shard-0', { action: 'park', note, destination: parking });
    await h.clock.runUntil(() => h.invoker.seen.includes('after'));
    expect(h.destination.sent).toHaveLength(0);
    expect(parking.sent).toHaveLength(1);
    expect(parking.sent[0]).toMatchObject({
      requestContext: { condition: 'OperatorSkipped' },
      sluiceOperator: { action: 'park', by: 'alice' },
    });
    await h.stop();
  });

  it('#21 skip without an on-failure destination counts the records as discarded', async () => {
    const h = harness({ batchSize: 1 });
    h.source.put('shard-0', ['poison', 'after']);
    h.invoker.behaviour = (c) => (c.data.includes('poison') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 2);
    h.mapping.command('shard-0', { action: 'skip', note });
    await h.clock.runUntil(() => h.invoker.seen.includes('after'));
    expect(h.metrics.count(StreamMetric.dropped)).toBe(1);
    await h.stop();
  });

  it('#21 skip refuses when nothing fails, and a shard not running here is not-owned', async () => {
    const h = harness();
    h.source.put('shard-0', ['a']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.includes('a'));
    await h.clock.advance(10);
    expect(h.mapping.command('shard-0', { action: 'skip', note })).toEqual({
      done: false,
      reason: 'no batch of this shard is failing',
    });
    expect(h.mapping.command('shard-9', { action: 'pause' })).toBe('not-owned');
    await h.stop();
  });

  it('#21 pause stops reading and invoking for one shard or the whole mapping; resume continues in order', async () => {
    const h = harness();
    h.source.addShard('shard-1');
    await h.mapping.start();
    await h.clock.advance(100);
    expect(h.mapping.command('shard-0', { action: 'pause' })).toEqual({ done: true });
    h.source.put('shard-0', ['a0']);
    h.source.put('shard-1', ['a1']);
    await h.clock.advance(5_000);
    expect(h.invoker.seen).toEqual(['a1']);
    expect(h.mapping.shards().shards.find((s) => s.shardId === 'shard-0')!.paused).toBe(true);
    h.mapping.command(undefined, { action: 'pause' });
    h.source.put('shard-1', ['b1']);
    await h.clock.advance(5_000);
    expect(h.invoker.seen).toEqual(['a1']);
    h.mapping.command(undefined, { action: 'resume' });
    await h.clock.runUntil(() => h.invoker.seen.length === 3);
    expect(h.invoker.seen.sort()).toEqual(['a0', 'a1', 'b1']);
    await h.stop();
  });

  it('#21 a shard paused with a batch ready to go waits for resume without spinning (the event loop keeps running)', async () => {
    const h = harness({ batchSize: 1 });
    let release: () => void = () => {};
    h.invoker.behaviour = (c) =>
      c.data[0] === 'a' ? new Promise((resolve) => (release = () => resolve(ok()))) : Promise.resolve(ok());
    h.source.put('shard-0', ['a', 'b']);
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.seen.length === 1); // 'a' in flight, 'b' read and waiting
    expect(h.mapping.command('shard-0', { action: 'pause' })).toEqual({ done: true });
    release();
    // Before the fix the worker looped on microtasks here (its wait returned at once for the ready batch), so
    // neither the clock nor anything else in the process ran again.
    await h.clock.advance(5_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.invoker.seen).toEqual(['a']);
    h.mapping.command('shard-0', { action: 'resume' });
    await h.clock.runUntil(() => h.invoker.seen.length === 2);
    expect(h.invoker.seen).toEqual(['a', 'b']);
    await h.stop();
  });
});

describe('#21 seek (engine)', () => {
  it('#21 seek forward resumes after the position (records before it are not invoked); backwards needs force', async () => {
    const h = harness({ batchSize: 1, retryBackoff: { baseMs: 60_000, maxMs: 600_000 } });
    const recs = h.source.put('shard-0', ['ok0', 'poison1', 'skipped2', 'ok3']);
    h.invoker.behaviour = (c) => (c.data.includes('poison1') ? fnError() : ok());
    await h.mapping.start();
    await h.clock.runUntil(() => h.invoker.calls.length >= 2);
    await h.clock.advance(10);
    const seek = (position: string, force?: boolean) =>
      h.mapping.command('shard-0', { action: 'seek', note, to: { position }, ...(force && { force }) });
    // ok0 is checkpointed: going back before it is refused without force.
    expect(await h.checkpoint()).toBe(recs[0]!.position);
    expect(seek('0')).toMatchObject({ done: false });
    expect(seek(recs[2]!.position)).toEqual({ done: true });
    await h.clock.runUntil(() => h.invoker.seen.includes('ok3'));
    expect(h.invoker.seen).not.toContain('skipped2');
    await h.clock.advance(10);
    expect(await h.checkpoint()).toBe(recs[3]!.position);
    // With force, backwards: ok3 again (poison1 is no longer poison).
    h.invoker.behaviour = () => ok();
    expect(seek(recs[2]!.position, true)).toEqual({ done: true });
    await h.clock.runUntil(() => h.invoker.seen.filter((d) => d === 'ok3').length === 2);
    await h.stop();
  });
});
