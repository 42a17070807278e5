// Kinesis on kinesalite: sluice's stream engine (Kinesis source → shard workers → batches → no-op in-process
// handler) against a raw GetRecords loop per shard with the same @aws-sdk/client-kinesis settings. Harness and
// method: bench/lib/stream-bench.ts.
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { KinesisStreamSource } from '../../connectors/kinesis/index.js';
import { createStream, testKinesisClient, uniqueStreamName } from '../../test/integration/kinesis/kinesalite.js';
import { AWS_ACCOUNT, AWS_REGION, systemClock } from '../lib/runtime.js';
import { serverCpuParams } from '../lib/proc-cpu.js';
import { kinesisEndpoint, serverPid } from '../lib/servers.js';
import { runStreamBench, type BenchStream, type StreamBenchConfig } from '../lib/stream-bench.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';

const SHARDS = 4;
const FULL: StreamBenchConfig = { total: 20_000, rounds: 5, batchSize: 100, pollMs: 100, rate: 500, latencySeconds: 4 };
const QUICK: StreamBenchConfig = {
  total: 10_000,
  rounds: 3,
  batchSize: 100,
  pollMs: 100,
  rate: 500,
  latencySeconds: 2,
};

const writtenAt = (data: Uint8Array | string): number =>
  (JSON.parse(Buffer.from(data as Uint8Array).toString('utf8')) as { at: number }).at;

async function kinesisStream(client: KinesisClient, label: string): Promise<BenchStream> {
  const StreamName = uniqueStreamName(`bench-${label}`);
  await createStream(client, StreamName, SHARDS);
  return {
    async write(n, from) {
      for (let i = 0; i < n; i += 500) {
        const at = Date.now();
        const Records = Array.from({ length: Math.min(500, n - i) }, (_v, j) => ({
          PartitionKey: `pk-${from + i + j}`,
          Data: Buffer.from(JSON.stringify({ at, pad: 'x'.repeat(100) })),
        }));
        const out = await client.send(new PutRecordsCommand({ StreamName, Records }));
        if ((out.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed');
      }
    },
    async raw(from, onRecord, pollMs, stop) {
      const shards = (await client.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
      return shards.map(async (s) => {
        let { ShardIterator } = await client.send(
          new GetShardIteratorCommand({ StreamName, ShardId: s.ShardId, ShardIteratorType: from }),
        );
        while (!stop.aborted && ShardIterator) {
          const out = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
          for (const r of out.Records ?? []) onRecord(r);
          ShardIterator = out.NextShardIterator;
          if ((out.Records ?? []).length === 0) await systemClock.sleep(pollMs, stop);
        }
      });
    },
    source: () =>
      new KinesisStreamSource({
        client,
        streamArn: `arn:aws:kinesis:${AWS_REGION}:${AWS_ACCOUNT}:stream/${StreamName}`,
        streamName: StreamName,
        region: AWS_REGION,
        invokeIdentityArn: `arn:aws:iam::${AWS_ACCOUNT}:role/sluice`,
        ownsClient: false,
      }),
    rawRecordAt: (r) => writtenAt((r as { Data?: Uint8Array }).Data ?? ''),
    eventRecordAt: (r) => writtenAt(Buffer.from((r as { kinesis: { data: string } }).kinesis.data, 'base64')),
    destroy: async () => {
      await client.send(new DeleteStreamCommand({ StreamName })).catch(() => undefined);
    },
  };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const endpoint = kinesisEndpoint();
  const client = testKinesisClient(endpoint);
  try {
    const { sluice, raw, serverCpu } = await runStreamBench(
      ctx,
      cfg,
      (label) => kinesisStream(client, label),
      serverPid('kinesis', endpoint),
    );
    return [
      {
        group: 'kinesis',
        rawLoop: 'GetRecords loop per shard, same client',
        name: `${SHARDS} shards, BatchSize ${cfg.batchSize}`,
        unit: 'records/s',
        sluice,
        raw,
        params: {
          records: cfg.total,
          shards: SHARDS,
          rounds: cfg.rounds,
          batchSize: cfg.batchSize,
          pollMs: cfg.pollMs,
          recordBytes: Buffer.byteLength(JSON.stringify({ at: Date.now(), pad: 'x'.repeat(100) })),
          latencyRate: cfg.rate,
          latencySeconds: cfg.latencySeconds,
          ...serverCpuParams('kinesalite', serverCpu, { sluice: sluice.cost?.cpuPercent, raw: raw.cost?.cpuPercent }),
        },
        notes:
          'kinesalite; sluice = stream engine + Kinesis connector + no-op handler; raw = GetRecords loop per shard; ' +
          'throughput = median of alternating rounds from TRIM_HORIZON; latency = PutRecords→handler from LATEST',
      },
    ];
  } finally {
    client.destroy();
  }
}

export const kinesisScenario: Scenario = { id: 'kinesis', title: 'Kinesis on kinesalite', run };
