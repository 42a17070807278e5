// Stream mapping benchmark on the shared kinesalite (SLUICE_KINESIS_ENDPOINT, else .services/servers.json):
// sluice's stream engine (Kinesis source → shard workers → batches → a no-op in-process handler) against a raw
// GetRecords loop per shard on the same server, same client settings, same records.
//   1. throughput: N records already in a 4-shard stream, read from TRIM_HORIZON until all are handled;
//   2. latency: records put at a steady rate while the consumer runs from LATEST; put-to-handler p50/p99.
// Both consumers poll an idle shard every POLL ms. Run: npm run bench:streams [-- records [rate/s] [pollMs]]
import { readFileSync } from 'node:fs';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { KinesisStreamSource } from '../connectors/kinesis/index.js';
import { systemClock } from '../src/app/clock.js';
import { createStreamMapping } from '../src/core/esm/stream-mapping.js';
import type { Invoker } from '../src/core/invoke/types.js';
import type { Logger } from '../src/ports/logger.js';
import { noopMetrics } from '../src/ports/metrics.js';
import type { StartPosition } from '../src/ports/sources.js';
import { MemoryCheckpointStore } from '../src/state/memory.js';
import { createStream, testKinesisClient, uniqueStreamName } from '../test/integration/kinesis/kinesalite.js';

const TOTAL = Number(process.argv[2] ?? 10_000);
const RATE = Number(process.argv[3] ?? 500);
const POLL_MS = Number(process.argv[4] ?? 100);
const SHARDS = 4;
const LATENCY_SECONDS = 4;
const BATCH = 100;

function endpoint(): string {
  if (process.env.SLUICE_KINESIS_ENDPOINT) return process.env.SLUICE_KINESIS_ENDPOINT;
  try {
    const file = JSON.parse(readFileSync('.services/servers.json', 'utf8')) as {
      servers?: { kinesis?: { endpoint?: string } };
    };
    if (file.servers?.kinesis?.endpoint) return file.servers.kinesis.endpoint;
  } catch {
    // reported below
  }
  throw new Error('no kinesalite: set SLUICE_KINESIS_ENDPOINT or run npm run services:up (.services/servers.json)');
}

/** Called once per record a consumer hands to its "handler", with the put time carried in the record. */
type OnRecord = (putAtMs: number) => void;

interface Consumer {
  stop(): Promise<void>;
}

async function put(client: KinesisClient, StreamName: string, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const at = Date.now();
    const Records = Array.from({ length: Math.min(500, n - i) }, (_v, j) => ({
      PartitionKey: `pk-${from + i + j}`,
      Data: Buffer.from(JSON.stringify({ at, pad: 'x'.repeat(100) })),
    }));
    const out = await client.send(new PutRecordsCommand({ StreamName, Records }));
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed');
  }
}

const putAt = (data: Uint8Array | string): number =>
  (JSON.parse(Buffer.from(data as Uint8Array).toString('utf8')) as { at: number }).at;

/** The raw baseline: one GetRecords loop per shard, sleeping POLL ms after an empty page. */
async function rawConsumer(
  client: KinesisClient,
  StreamName: string,
  from: 'TRIM_HORIZON' | 'LATEST',
  onRecord: OnRecord,
): Promise<Consumer> {
  const stop = new AbortController();
  const shards = (await client.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
  const loops = shards.map(async (s) => {
    let { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName, ShardId: s.ShardId, ShardIteratorType: from }),
    );
    while (!stop.signal.aborted && ShardIterator) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      for (const r of out.Records ?? []) onRecord(putAt(r.Data ?? ''));
      ShardIterator = out.NextShardIterator;
      if ((out.Records ?? []).length === 0) await systemClock.sleep(POLL_MS, stop.signal);
    }
  });
  return {
    stop: async () => {
      stop.abort();
      await Promise.all(loops);
    },
  };
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** sluice: the stream engine over the Kinesis connector; the handler is a no-op in-process Invoker. */
async function sluiceConsumer(
  client: KinesisClient,
  StreamName: string,
  from: 'TRIM_HORIZON' | 'LATEST',
  onRecord: OnRecord,
): Promise<Consumer> {
  const source = new KinesisStreamSource({
    client,
    streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${StreamName}`,
    streamName: StreamName,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
    ownsClient: false,
  });
  const invoker: Invoker = {
    has: () => true,
    invoke: (_fn, req) => {
      const event = JSON.parse(req.payload.toString('utf8')) as { Records: Array<{ kinesis: { data: string } }> };
      for (const r of event.Records) onRecord(putAt(Buffer.from(r.kinesis.data, 'base64')));
      return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false });
    },
  };
  const startingPosition: StartPosition = { type: from };
  const mapping = createStreamMapping({
    source,
    invoker,
    checkpoints: new MemoryCheckpointStore(),
    options: {
      mappingId: `bench-${StreamName}`,
      functionName: 'noop',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
      batchSize: BATCH,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition,
      pollIntervalMs: POLL_MS,
      retryBackoff: { baseMs: 100, maxMs: 1000 },
    },
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
  });
  await mapping.start();
  return { stop: () => mapping.stop(1000) };
}

type Make = typeof rawConsumer;

async function throughput(client: KinesisClient, StreamName: string, make: Make): Promise<number> {
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const start = process.hrtime.bigint();
  const consumer = await make(client, StreamName, 'TRIM_HORIZON', () => {
    if (++seen === TOTAL) done();
  });
  await all;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await consumer.stop();
  return (TOTAL / ms) * 1000;
}

async function latency(client: KinesisClient, make: Make): Promise<{ p50: number; p99: number; n: number }> {
  const StreamName = uniqueStreamName('bench-lat');
  await createStream(client, StreamName, SHARDS);
  const lat: number[] = [];
  const consumer = await make(client, StreamName, 'LATEST', (at) => lat.push(Date.now() - at));
  // Let every shard get its LATEST iterator before the first put.
  await systemClock.sleep(2 * POLL_MS + 200);
  const perTick = Math.max(1, Math.round(RATE / 10));
  const want = perTick * 10 * LATENCY_SECONDS;
  for (let sent = 0; sent < want; sent += perTick) {
    const tick = Date.now();
    await put(client, StreamName, perTick, sent);
    await systemClock.sleep(Math.max(0, 100 - (Date.now() - tick)));
  }
  const deadline = Date.now() + 10_000;
  while (lat.length < want && Date.now() < deadline) await systemClock.sleep(20);
  await consumer.stop();
  await client.send(new DeleteStreamCommand({ StreamName })).catch(() => undefined);
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), n: lat.length };
}

const client = testKinesisClient(endpoint());
const StreamName = uniqueStreamName('bench-streams');
try {
  await createStream(client, StreamName, SHARDS);
  await put(client, StreamName, TOTAL);
  console.log(
    `kinesalite ${endpoint()}: ${TOTAL} records over ${SHARDS} shards; BatchSize ${BATCH}; idle poll ${POLL_MS} ms; ` +
      `sluice = stream engine + Kinesis connector + no-op in-process handler`,
  );
  const raw: number[] = [];
  const ours: number[] = [];
  // Alternate so warm-up and garbage collection favour neither side.
  for (let round = 0; round < 2; round++) {
    raw.push(await throughput(client, StreamName, rawConsumer));
    ours.push(await throughput(client, StreamName, sluiceConsumer));
  }
  const best = (xs: number[]) => Math.max(...xs);
  console.log(
    `throughput  raw ${best(raw).toFixed(0)} records/s   sluice ${best(ours).toFixed(0)} records/s   ` +
      `ratio sluice/raw ${(best(ours) / best(raw)).toFixed(2)}`,
  );
  const rawLat = await latency(client, rawConsumer);
  const ourLat = await latency(client, sluiceConsumer);
  console.log(
    `put→handler latency at ${RATE} records/s for ${LATENCY_SECONDS} s: ` +
      `raw p50 ${rawLat.p50} ms p99 ${rawLat.p99} ms (${rawLat.n} records)   ` +
      `sluice p50 ${ourLat.p50} ms p99 ${ourLat.p99} ms (${ourLat.n} records)`,
  );
} finally {
  await client.send(new DeleteStreamCommand({ StreamName })).catch(() => undefined);
  client.destroy();
}
