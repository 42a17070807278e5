// Kinesis read throughput: sluice's ShardReader vs a raw GetRecords loop on the same client, same kinesalite
// server (in-process), same records. Run: npx tsx bench/kinesis.ts [records] [shards]
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { KinesisStreamSource, toKinesisStreamRecord } from '../connectors/kinesis/index.js';
import type { ShardInfo } from '../src/ports/sources.js';
import {
  createStream,
  startKinesalite,
  testKinesisClient,
  uniqueStreamName,
} from '../test/integration/kinesis/kinesalite.js';

const TOTAL = Number(process.argv[2] ?? 20_000);
const SHARDS = Number(process.argv[3] ?? 4);
const LIMIT = 10_000;
const signal = new AbortController().signal;

async function fill(client: KinesisClient, StreamName: string): Promise<Map<string, number>> {
  const perShard = new Map<string, number>();
  const payload = Buffer.from(JSON.stringify({ order: 'x'.repeat(100) }));
  for (let i = 0; i < TOTAL; i += 500) {
    const Records = Array.from({ length: Math.min(500, TOTAL - i) }, (_v, j) => ({
      PartitionKey: `pk-${i + j}`,
      Data: payload,
    }));
    const out = await client.send(new PutRecordsCommand({ StreamName, Records }));
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed');
    for (const r of out.Records ?? []) perShard.set(r.ShardId ?? '', (perShard.get(r.ShardId ?? '') ?? 0) + 1);
  }
  return perShard;
}

async function rawShard(client: KinesisClient, StreamName: string, ShardId: string, want: number): Promise<number> {
  let { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  let got = 0;
  while (got < want && ShardIterator !== undefined) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator, Limit: LIMIT }));
    got += out.Records?.length ?? 0;
    ShardIterator = out.NextShardIterator;
  }
  return got;
}

async function sluiceShard(source: KinesisStreamSource, shard: ShardInfo, want: number): Promise<number> {
  const reader = await source.open(shard, { type: 'TRIM_HORIZON' });
  let got = 0;
  while (got < want) {
    const r = await reader.read(LIMIT, signal);
    got += r.records.length;
    if (r.endOfShard) break;
  }
  await reader.close();
  return got;
}

async function timed(label: string, run: () => Promise<number[]>): Promise<number> {
  const start = process.hrtime.bigint();
  const counts = await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const n = counts.reduce((a, b) => a + b, 0);
  if (n !== TOTAL) throw new Error(`${label} read ${n} of ${TOTAL} records`);
  const rate = (n / ms) * 1000;
  console.log(`${label.padEnd(8)} ${n} records in ${ms.toFixed(0)} ms = ${rate.toFixed(0)} records/s`);
  return rate;
}

const server = await startKinesalite();
const client = testKinesisClient(server.endpoint);
try {
  const StreamName = uniqueStreamName('bench');
  await createStream(client, StreamName, SHARDS);
  const perShard = await fill(client, StreamName);
  const source = new KinesisStreamSource({
    client,
    streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${StreamName}`,
    streamName: StreamName,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
    ownsClient: false,
  });
  const shards = await source.listShards();
  console.log(
    `kinesalite, ${TOTAL} records over ${shards.length} shards, GetRecords Limit ${LIMIT}, shards read concurrently`,
  );
  const raw: number[] = [];
  const ours: number[] = [];
  // Alternate the two so warm-up and garbage collection do not favour either side.
  for (let round = 0; round < 3; round++) {
    raw.push(
      await timed('raw', () =>
        Promise.all(shards.map((s) => rawShard(client, StreamName, s.id, perShard.get(s.id) ?? 0))),
      ),
    );
    ours.push(
      await timed('sluice', () => Promise.all(shards.map((s) => sluiceShard(source, s, perShard.get(s.id) ?? 0)))),
    );
  }
  // The mapping alone (SDK record → Lambda record + size), without the server: sluice's own cost per record.
  const sample = await client.send(
    new GetRecordsCommand({
      ShardIterator: (
        await client.send(
          new GetShardIteratorCommand({ StreamName, ShardId: shards[0]?.id, ShardIteratorType: 'TRIM_HORIZON' }),
        )
      ).ShardIterator,
      Limit: LIMIT,
    }),
  );
  const sdkRecords = sample.Records ?? [];
  const ctx = { shardId: 'shardId-000000000000', streamArn: source.arn, region: 'us-east-1', invokeIdentityArn: 'x' };
  const mapStart = process.hrtime.bigint();
  for (let round = 0; round < 5; round++) for (const r of sdkRecords) toKinesisStreamRecord(r, ctx);
  const mapMs = Number(process.hrtime.bigint() - mapStart) / 1e6;
  console.log(
    `mapping only: ${(((sdkRecords.length * 5) / mapMs) * 1000).toFixed(0)} records/s (${((mapMs * 1000) / (sdkRecords.length * 5)).toFixed(2)} µs/record)`,
  );
  const best = (xs: number[]) => Math.max(...xs);
  console.log(
    `best: raw ${best(raw).toFixed(0)} records/s, sluice ${best(ours).toFixed(0)} records/s, ratio sluice/raw ${(best(ours) / best(raw)).toFixed(2)}`,
  );
} finally {
  client.destroy();
  await server.close();
}
