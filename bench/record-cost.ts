// CPU per record of sluice's record path without a broker (#20 item 1): kafkajs-like messages and Redis stream
// entries go through the connector's record conversion, the core Batcher (BatchSize 100) and the event the engine
// sends, against a raw loop that writes the identical event bytes by hand. Run: npx tsx bench/record-cost.ts
import { Batcher } from '../src/core/batch/batcher.js';
import { kafkaEvents, type KafkaMessageLike } from '../connectors/kafka/event.js';
import { redisEvents } from '../connectors/redis/event.js';
import { kafkaFetchRecords, redisReadRecords, eventBytes } from './record-cost-adapter.js';
import type { StreamRecord } from '../src/ports/sources.js';

const BATCH = 100;
const shard = { id: 't-0', parentIds: [] };

function kafkaMessages(n: number, valueBytes: number): KafkaMessageLike[] {
  const value = Buffer.alloc(valueBytes, 120);
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`k${i % 64}`),
    value,
    timestamp: String(1_700_000_000_000 + i),
    offset: String(i),
    headers: {},
  }));
}

function redisEntries(n: number, valueBytes: number): Array<[string, string[]]> {
  const v = 'x'.repeat(valueBytes);
  return Array.from({ length: n }, (_, i) => [`1700000000000-${i}`, ['v', v]]);
}

function cpuUs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

/** Messages as the Kafka source takes them: fetches of FETCH packed, then records as the engine reads them. */
const FETCH = 1000;
function kafkaFetched(msgs: readonly KafkaMessageLike[]): StreamRecord[] {
  const out: StreamRecord[] = [];
  for (let i = 0; i < msgs.length; i += FETCH) out.push(...kafkaFetchRecords('t', 0, msgs.slice(i, i + FETCH)));
  return out;
}

/** Entries as the Redis source reads them: pages of FETCH packed at once. */
function redisRead(entries: ReadonlyArray<[string, string[]]>): StreamRecord[] {
  const out: StreamRecord[] = [];
  for (let i = 0; i < entries.length; i += FETCH)
    out.push(...redisReadRecords('s', entries.slice(i, i + FETCH), 'us-east-1'));
  return out;
}

function sluiceLoop<M>(
  msgs: readonly M[],
  toRecord: (m: M) => StreamRecord,
  event: (rs: StreamRecord[]) => Buffer,
): number {
  const batcher = new Batcher<StreamRecord>(
    { batchSize: BATCH, maxBatchingWindowMs: 0, maxPayloadBytes: 1 << 30 },
    (r) => r.sizeBytes,
    0,
  );
  let bytes = 0;
  for (const m of msgs) {
    batcher.push(toRecord(m), 0);
    if (batcher.length >= BATCH) bytes += event(batcher.take(40).items).length;
  }
  if (batcher.length > 0) bytes += event(batcher.take(40).items).length;
  return bytes;
}

function rawKafka(msgs: readonly KafkaMessageLike[]): number {
  let bytes = 0;
  let parts: string[] = [];
  const flush = () => {
    bytes += Buffer.from(
      `{"eventSource":"SelfManagedKafka","bootstrapServers":"b:9092","records":{"t-0":[${parts.join(',')}]}}`,
    ).length;
    parts = [];
  };
  for (const m of msgs) {
    parts.push(
      `{"topic":"t","partition":0,"offset":${m.offset},"timestamp":${m.timestamp},"timestampType":"CREATE_TIME","key":"${m.key!.toString('base64')}","value":"${m.value!.toString('base64')}","headers":[]}`,
    );
    if (parts.length >= BATCH) flush();
  }
  if (parts.length > 0) flush();
  return bytes;
}

function rawRedis(entries: ReadonlyArray<[string, string[]]>): number {
  let bytes = 0;
  let parts: string[] = [];
  const flush = () => {
    bytes += Buffer.from(`{"Records":[${parts.join(',')}]}`).length;
    parts = [];
  };
  for (const [id, flat] of entries) {
    parts.push(
      `{"eventSource":"sluice:redis","eventVersion":"1.0","eventSourceARN":"redis://s","eventID":"s:${id}","awsRegion":"us-east-1","redis":{"streamKey":"s","id":"${id}","fields":{${JSON.stringify(flat[0])}:${JSON.stringify(flat[1])}},"arrivalTimestamp":${id.slice(0, id.indexOf('-'))}}}`,
    );
    if (parts.length >= BATCH) flush();
  }
  if (parts.length > 0) flush();
  return bytes;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function compare(name: string, n: number, sluice: () => number, raw: () => number): void {
  if (sluice() !== raw()) throw new Error(`${name}: sluice and raw event bytes differ`);
  const s: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < 7; round++) {
    s.push(cpuUs(sluice) / n);
    r.push(cpuUs(raw) / n);
  }
  const ms = median(s);
  const mr = median(r);
  console.log(
    `${name.padEnd(22)} sluice ${ms.toFixed(2)} µs/rec  raw ${mr.toFixed(2)} µs/rec  diff ${(ms - mr).toFixed(2)}  raw/sluice ${(mr / ms).toFixed(2)}`,
  );
}

const kEvents = kafkaEvents('b:9092');
const rEvents = redisEvents('redis://s');
for (const [label, n, size] of [
  ['100 B', 100_000, 100],
  ['1 KB', 50_000, 1024],
  ['100 KB', 2_000, 100 * 1024],
] as const) {
  const km = kafkaMessages(n, size);
  compare(
    `kafka ${label}`,
    n,
    () =>
      sluiceLoop(
        kafkaFetched(km),
        (r) => r,
        (rs) => eventBytes(kEvents, shard, rs),
      ),
    () => rawKafka(km),
  );
  const re = redisEntries(n, size);
  compare(
    `redis ${label}`,
    n,
    () =>
      sluiceLoop(
        redisRead(re),
        (r) => r,
        (rs) => eventBytes(rEvents, shard, rs),
      ),
    () => rawRedis(re),
  );
}
