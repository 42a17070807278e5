import { describe, expect, it } from 'vitest';
import { PartitionState } from '../../../../connectors/kafka/partition-state.js';
import type { StreamRecord } from '../../../../src/ports/sources.js';

const rec = (offset: number): StreamRecord => ({
  position: String(offset),
  partitionKey: '',
  arrivalMs: 0,
  sizeBytes: 1,
  record: {},
});

describe('Kafka partition buffer', () => {
  it('KAF-11 hands records out in offset order, at most `limit` at a time', () => {
    const st = new PartitionState(0, 't-0');
    for (let i = 0; i < 5; i++) st.push(rec(i));
    expect(st.take(2).map((r) => r.position)).toEqual(['0', '1']);
    expect(st.size).toBe(3);
    expect(st.take(10).map((r) => r.position)).toEqual(['2', '3', '4']);
    expect(st.take(10)).toEqual([]);
  });

  it('drops records the engine already holds when it resumes AFTER a position', () => {
    const st = new PartitionState(0, 't-0');
    for (let i = 3; i < 8; i++) st.push(rec(i));
    st.dropThrough(5);
    expect(st.take(10).map((r) => r.position)).toEqual(['6', '7']);
  });

  it('an empty read waits for records, for the wait limit, or for the abort signal', async () => {
    const st = new PartitionState(0, 't-0');
    const ctl = new AbortController();
    let woke = false;
    const waiting = st.waitForRecords(10_000, ctl.signal).then(() => (woke = true));
    st.push(rec(0));
    st.wake();
    await waiting;
    expect(woke).toBe(true);
    const started = Date.now();
    await st.waitForRecords(20, ctl.signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    const aborted = st.waitForRecords(10_000, ctl.signal);
    ctl.abort();
    await aborted;
  });
});
