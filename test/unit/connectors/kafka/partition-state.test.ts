import { describe, expect, it } from 'vitest';
import { buildKafkaEvent, type KafkaMessageLike } from '../../../../connectors/kafka/event.js';
import { kafkaStreamRecord } from '../../../../connectors/kafka/fetch-chunk.js';
import { PartitionState } from '../../../../connectors/kafka/partition-state.js';
import type { StreamRecord } from '../../../../src/ports/sources.js';

const msg = (offset: number, over: Partial<KafkaMessageLike> = {}): KafkaMessageLike => ({
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`value ${offset}`),
  timestamp: String(1_700_000_000_000 + offset),
  offset: String(offset),
  ...over,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => msg(from + i));
const positions = (rs: StreamRecord[]) => rs.map((r) => r.position);

describe('Kafka partition buffer', () => {
  it('KAF-11 hands records out in offset order, at most `limit` at a time, across fetches', () => {
    const st = new PartitionState(0, 't-0');
    expect(st.pushFetch('t', range(0, 3))).toBe('2');
    st.pushFetch('t', range(3, 5));
    expect(positions(st.take(2))).toEqual(['0', '1']);
    expect(st.size).toBe(3);
    expect(positions(st.take(10))).toEqual(['2', '3', '4']);
    expect(st.take(10)).toEqual([]);
    expect(st.bytes).toBe(0);
  });

  it('KAF-1 KAF-3 packed records are the same records as one built alone: JSON, size, key, position, time', () => {
    const st = new PartitionState(2, 'orders-2');
    const ms = [
      msg(7),
      msg(8, { key: null, value: null, headers: { 'trace-ü': Buffer.from('x'), n: null } }),
      msg(9, { batchContext: { timestampType: 1 } }),
    ];
    st.pushFetch('orders', ms);
    const alone = ms.map((m) => kafkaStreamRecord('orders', 2, m));
    expect(st.bytes).toBe(alone.reduce((n, r) => n + r.sizeBytes, 0));
    const got = st.take(3);
    for (const [i, r] of got.entries()) {
      const want = alone[i]!;
      expect([r.json, r.sizeBytes, r.partitionKey, r.position, r.arrivalMs]).toEqual([
        want.json,
        want.sizeBytes,
        want.partitionKey,
        want.position,
        want.arrivalMs,
      ]);
      expect(r.record).toEqual(want.record);
    }
    expect(buildKafkaEvent('b:9092', got).toString()).toBe(buildKafkaEvent('b:9092', alone).toString());
  });

  it('skips refetched offsets below the next expected one, and drops what the engine already holds', () => {
    const st = new PartitionState(0, 't-0');
    st.pushFetch('t', range(3, 6));
    st.pushFetch('t', range(4, 8)); // refetched after a rejoin: 4 and 5 are already buffered
    expect(st.size).toBe(5);
    st.dropThrough(5);
    expect(st.size).toBe(2);
    expect(positions(st.take(10))).toEqual(['6', '7']);
  });

  it('SR-8 decoded records (schema registry) are buffered as given', () => {
    const st = new PartitionState(0, 't-0');
    const decoded = range(0, 2).map((m) => kafkaStreamRecord('t', 0, m));
    st.pushFetch('t', range(0, 2), decoded);
    expect(st.take(5)).toEqual(decoded);
  });

  it('an empty read waits for records, for the wait limit, or for the abort signal', async () => {
    const st = new PartitionState(0, 't-0');
    const ctl = new AbortController();
    let woke = false;
    const waiting = st.waitForRecords(10_000, ctl.signal).then(() => (woke = true));
    st.pushFetch('t', range(0, 1));
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

  it('KAF-1 offsets and timestamps are JSON numbers whatever their string form (kafkajs writes them canonical)', () => {
    for (const [offset, timestamp] of [
      ['12', '1700000000000'],
      ['0', '-1'],
      ['0012', '+5'],
      ['9007199254740993', '1e3'],
    ] as const) {
      const st = new PartitionState(0, 't-0');
      st.pushFetch('t', [msg(0, { offset, timestamp })]);
      const [r] = st.take(1);
      const rec = JSON.parse(r!.json!) as { offset: number; timestamp: number };
      expect([rec.offset, rec.timestamp]).toEqual([Number(offset), Number(timestamp)]);
      expect(r!.arrivalMs).toBe(Number(timestamp));
    }
  });
});
