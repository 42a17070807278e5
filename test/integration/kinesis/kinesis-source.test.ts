// The Kinesis source against a real Kinesis API (kinesalite in-process): positions, order, lineage, shape.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MergeShardsCommand, PutRecordCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisConnector } from '../../../connectors/kinesis/index.js';
import type { ConnectorContext } from '../../../src/ports/connector.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { Logger } from '../../../src/ports/logger.js';
import type { ShardInfo, ShardReader, StartPosition, StreamRecord, StreamSource } from '../../../src/ports/sources.js';
import {
  createStream,
  startKinesalite,
  testKinesisClient,
  TEST_CREDENTIALS,
  uniqueStreamName,
  waitActive,
  type Kinesalite,
} from './kinesalite.js';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };
const signal = new AbortController().signal;
const enc = new TextEncoder();

let server: Kinesalite;
let admin: KinesisClient;
const sources: StreamSource[] = [];

beforeAll(async () => {
  server = await startKinesalite();
  admin = testKinesisClient(server.endpoint);
});

afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  admin?.destroy();
  await server?.close();
});

function source(streamName: string): StreamSource {
  const ctx: ConnectorContext = {
    connection: { endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS },
    region: 'us-east-1',
    accountId: '000000000000',
    logger: quietLogger,
    metrics: noopMetrics,
  };
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`;
  const created = kinesisConnector.createStreamSource?.(
    arn,
    { mappingId: 'm', startingPosition: { type: 'TRIM_HORIZON' } },
    ctx,
  );
  if (created === undefined) throw new Error('kinesis connector has no stream source');
  sources.push(created);
  return created;
}

async function put(streamName: string, values: string[], partitionKey = 'pk'): Promise<string[]> {
  const seqs: string[] = [];
  for (const v of values) {
    const out = await admin.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: enc.encode(v) }),
    );
    seqs.push(out.SequenceNumber ?? '');
  }
  return seqs;
}

/** Reads until `want` records arrived or the shard ended (bounded, so a bug fails instead of hanging). */
async function readAll(reader: ShardReader, want: number): Promise<{ records: StreamRecord[]; ended: boolean }> {
  const records: StreamRecord[] = [];
  for (let i = 0; i < 50 && records.length < want; i++) {
    const r = await reader.read(2, signal);
    records.push(...r.records);
    if (r.endOfShard) return { records, ended: true };
  }
  return { records, ended: false };
}

const dataOf = (r: StreamRecord): string =>
  Buffer.from((r.record.kinesis as { data: string }).data, 'base64').toString('utf8');

async function singleShard(src: StreamSource): Promise<ShardInfo> {
  const shards = await src.listShards();
  expect(shards).toHaveLength(1);
  return shards[0] as ShardInfo;
}

/** Moves kinesalite's clock (it runs in this process and reads Date.now) past the 5-minute iterator lifetime. */
function expireIterators(): void {
  const realNow = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 6 * 60_000);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kinesis source (kinesalite)', () => {
  it('STR-5 reads records in sequence order from TRIM_HORIZON with the §5.2 record shape', async () => {
    const name = uniqueStreamName('trim');
    await createStream(admin, name, 1);
    const seqs = await put(name, ['a', 'b', 'c', 'd', 'e']);
    const src = source(name);
    const shard = await singleShard(src);
    expect(shard).toMatchObject({ parentIds: [], closed: false });
    const reader = await src.open(shard, { type: 'TRIM_HORIZON' });
    const { records, ended } = await readAll(reader, 5);
    expect(ended).toBe(false);
    expect(records.map(dataOf)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(records.map((r) => r.position)).toEqual(seqs);
    const first = records[0] as StreamRecord;
    expect(Object.keys(first.record).sort()).toEqual(
      [
        'awsRegion',
        'eventID',
        'eventName',
        'eventSource',
        'eventSourceARN',
        'eventVersion',
        'invokeIdentityArn',
        'kinesis',
      ].sort(),
    );
    expect(first.record).toMatchObject({
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'pk', sequenceNumber: seqs[0], data: 'YQ==' },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shard.id}:${seqs[0]}`,
      eventName: 'aws:kinesis:record',
      awsRegion: 'us-east-1',
      eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
    });
    const ts = (first.record.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp;
    expect(ts).toBe(first.arrivalMs / 1000);
    expect(Math.abs(first.arrivalMs - Date.now())).toBeLessThan(60_000);
    expect(JSON.parse(src.events.event(shard, records).toString())).toEqual({ Records: records.map((r) => r.record) });
    expect(src.events.itemIdentifier(first)).toBe(seqs[0]);
    const last = await reader.read(10, signal);
    expect(last.records).toEqual([]);
    expect(last.millisBehindLatest).toBe(0);
  });

  it('LATEST returns only records put after the reader opened', async () => {
    const name = uniqueStreamName('latest');
    await createStream(admin, name, 1);
    await put(name, ['old1', 'old2']);
    const src = source(name);
    const reader = await src.open(await singleShard(src), { type: 'LATEST' });
    expect((await reader.read(10, signal)).records).toEqual([]);
    await put(name, ['new1', 'new2', 'new3']);
    expect((await readAll(reader, 3)).records.map(dataOf)).toEqual(['new1', 'new2', 'new3']);
  });

  it('AT_TIMESTAMP starts at the first record that arrived at or after the timestamp', async () => {
    const name = uniqueStreamName('ts');
    await createStream(admin, name, 1);
    await put(name, ['early1', 'early2']);
    // Arrival times have millisecond precision: let the clock move so the two groups differ.
    await new Promise((r) => setTimeout(r, 25));
    await put(name, ['late1', 'late2']);
    const src = source(name);
    const shard = await singleShard(src);
    const all = (await readAll(await src.open(shard, { type: 'TRIM_HORIZON' }), 4)).records;
    const from: StartPosition = { type: 'AT_TIMESTAMP', timestampMs: (all[2] as StreamRecord).arrivalMs };
    expect((await readAll(await src.open(shard, from), 2)).records.map(dataOf)).toEqual(['late1', 'late2']);
  });

  it('resumes AFTER a checkpointed sequence number without replaying it', async () => {
    const name = uniqueStreamName('after');
    await createStream(admin, name, 1);
    const seqs = await put(name, ['r1', 'r2', 'r3', 'r4']);
    const src = source(name);
    const reader = await src.open(await singleShard(src), { type: 'AFTER', position: seqs[1] as string });
    const { records } = await readAll(reader, 2);
    expect(records.map(dataOf)).toEqual(['r3', 'r4']);
    expect((await reader.read(10, signal)).records).toEqual([]);
  });

  it('STR-40 lists a split parent (closed) and children with parentIds; the parent reaches endOfShard', async () => {
    const name = uniqueStreamName('split');
    await createStream(admin, name, 1);
    await put(name, ['p1', 'p2', 'p3']);
    const src = source(name);
    const parent = await singleShard(src);
    const parentReader = await src.open(parent, { type: 'TRIM_HORIZON' });
    expect((await parentReader.read(1, signal)).records.map(dataOf)).toEqual(['p1']);

    await admin.send(
      new SplitShardCommand({ StreamName: name, ShardToSplit: parent.id, NewStartingHashKey: (2n ** 127n).toString() }),
    );
    await waitActive(admin, name);
    const shards = await src.listShards();
    expect(shards).toHaveLength(3);
    expect(shards.find((s) => s.id === parent.id)).toEqual({ id: parent.id, parentIds: [], closed: true });
    const children = shards.filter((s) => s.id !== parent.id);
    for (const c of children) expect(c).toEqual({ id: c.id, parentIds: [parent.id], closed: false });

    // The reader opened before the split finishes the parent, then reports its end.
    const rest = await readAll(parentReader, 10);
    expect(rest.records.map(dataOf)).toEqual(['p2', 'p3']);
    expect(rest.ended).toBe(true);
    expect(await parentReader.read(10, signal)).toMatchObject({ records: [], endOfShard: true });

    // New records land in the children.
    await put(name, ['c1'], 'a');
    await put(name, ['c2'], 'b');
    await put(name, ['c3'], 'c');
    const fromChildren: string[] = [];
    for (const c of children) {
      const r = await src.open(c, { type: 'TRIM_HORIZON' });
      fromChildren.push(...(await r.read(100, signal)).records.map(dataOf));
    }
    expect(fromChildren.sort()).toEqual(['c1', 'c2', 'c3']);

    // Merging the children gives a shard with both as parents (AdjacentParentShardId).
    const [left, right] = [...children].sort((a, b) => (a.id < b.id ? -1 : 1)) as [ShardInfo, ShardInfo];
    await admin.send(
      new MergeShardsCommand({ StreamName: name, ShardToMerge: left.id, AdjacentShardToMerge: right.id }),
    );
    await waitActive(admin, name);
    const afterMerge = await src.listShards();
    expect(afterMerge).toHaveLength(4);
    const merged = afterMerge.find((s) => !shards.some((o) => o.id === s.id));
    expect(merged?.parentIds.sort()).toEqual([left.id, right.id].sort());
    expect(
      afterMerge
        .filter((s) => s.closed)
        .map((s) => s.id)
        .sort(),
    ).toEqual([parent.id, left.id, right.id].sort());
  });

  // kinesalite ignores MaxResults and never pages ListShards, so pagination itself is not exercised here.
  it('lists every shard of a many-shard stream', async () => {
    const name = uniqueStreamName('many');
    await createStream(admin, name, 12);
    const shards = await source(name).listShards();
    expect(shards).toHaveLength(12);
    expect(new Set(shards.map((s) => s.id)).size).toBe(12);
  });

  it('re-acquires an expired iterator AFTER the last record returned, not from TRIM_HORIZON', async () => {
    const name = uniqueStreamName('expired');
    await createStream(admin, name, 1);
    await put(name, ['r1', 'r2', 'r3', 'r4']);
    const src = source(name);
    const reader = await src.open(await singleShard(src), { type: 'TRIM_HORIZON' });
    expect((await reader.read(2, signal)).records.map(dataOf)).toEqual(['r1', 'r2']);
    expireIterators();
    await put(name, ['r5']);
    expect((await readAll(reader, 3)).records.map(dataOf)).toEqual(['r3', 'r4', 'r5']);
  });

  it('an expired LATEST iterator with nothing read yet keeps the records that arrived meanwhile', async () => {
    const name = uniqueStreamName('expired-latest');
    await createStream(admin, name, 1);
    await put(name, ['before']);
    const src = source(name);
    const reader = await src.open(await singleShard(src), { type: 'LATEST' });
    expireIterators();
    await put(name, ['while-idle']);
    expect((await readAll(reader, 1)).records.map(dataOf)).toEqual(['while-idle']);
  });
});
