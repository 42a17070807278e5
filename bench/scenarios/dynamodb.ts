// DynamoDB Streams on DynamoDB Local: sluice's stream engine over the dynamodb-streams connector with a no-op
// in-process handler, against a raw GetRecords loop per shard with @aws-sdk/client-dynamodb-streams built by the
// connector's own client factory (same settings). Items are written with BatchWriteItem; each carries its write
// time, so latency is write→handler. Harness and method: bench/lib/stream-bench.ts.
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import { createDynamoDbStreamsClient, dynamoDbStreamsConnector } from '../../connectors/dynamodb/index.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { AWS_ACCOUNT, awsCredentials, AWS_REGION, quietLogger, systemClock } from '../lib/runtime.js';
import { serverCpuParams } from '../lib/proc-cpu.js';
import { dynamoDbEndpoint, serverPid } from '../lib/servers.js';
import { runStreamBench, type BenchStream, type StreamBenchConfig } from '../lib/stream-bench.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';

const FULL: StreamBenchConfig = { total: 20_000, rounds: 5, batchSize: 100, pollMs: 100, rate: 100, latencySeconds: 4 };
const QUICK: StreamBenchConfig = {
  total: 10_000,
  rounds: 3,
  batchSize: 100,
  pollMs: 100,
  rate: 100,
  latencySeconds: 2,
};
/** BatchWriteItem's limit, and how many run at once while loading. */
const WRITE_BATCH = 25;
const WRITES_IN_FLIGHT = 8;
const PAD = 'x'.repeat(100);

let counter = 0;

interface ImageWithAt {
  NewImage?: { at?: { N?: string } };
}
const atOf = (d: ImageWithAt | undefined): number => Number(d?.NewImage?.at?.N ?? Number.NaN);

async function tableStream(ddb: DynamoDBClient, endpoint: string, label: string): Promise<BenchStream> {
  const TableName = `bench-${label}-${process.pid}-${Date.now()}-${++counter}`;
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const StreamArn = (await ddb.send(new DescribeTableCommand({ TableName }))).Table?.LatestStreamArn;
  if (StreamArn === undefined) throw new Error('DynamoDB Local created no stream');
  const connection = { endpoint, region: AWS_REGION, credentials: awsCredentials() };
  const rawClient: DynamoDBStreamsClient = createDynamoDbStreamsClient(connection, AWS_REGION);

  const writeChunk = async (from: number, n: number): Promise<void> => {
    const at = String(Date.now());
    let RequestItems: Record<string, NonNullable<BatchWriteItemCommand['input']['RequestItems']>[string]> = {
      [TableName]: Array.from({ length: n }, (_v, j) => ({
        PutRequest: { Item: { pk: { S: `item-${from + j}` }, at: { N: at }, pad: { S: PAD } } },
      })),
    };
    // DynamoDB Local may hand some writes back as unprocessed; resend them.
    while (Object.keys(RequestItems).length > 0) {
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems }));
      RequestItems = out.UnprocessedItems ?? {};
    }
  };

  return {
    async write(n, from) {
      let next = 0;
      await Promise.all(
        Array.from({ length: WRITES_IN_FLIGHT }, async () => {
          while (next < n) {
            const start = next;
            const size = Math.min(WRITE_BATCH, n - start);
            next += size;
            await writeChunk(from + start, size);
          }
        }),
      );
    },
    async raw(from, onRecord, pollMs, stop) {
      const shards = (await rawClient.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription?.Shards ?? [];
      return shards.map(async (s) => {
        let { ShardIterator } = await rawClient.send(
          new GetShardIteratorCommand({ StreamArn, ShardId: s.ShardId, ShardIteratorType: from }),
        );
        while (!stop.aborted && ShardIterator) {
          const out = await rawClient.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
          for (const r of out.Records ?? []) onRecord(r);
          ShardIterator = out.NextShardIterator;
          if ((out.Records ?? []).length === 0) await systemClock.sleep(pollMs, stop);
        }
      });
    },
    source: () => {
      const source = dynamoDbStreamsConnector.createStreamSource?.(
        StreamArn,
        { mappingId: 'bench', startingPosition: { type: 'TRIM_HORIZON' } },
        {
          connection,
          region: AWS_REGION,
          accountId: AWS_ACCOUNT,
          logger: quietLogger,
          metrics: noopMetrics,
        },
      );
      if (source === undefined) throw new Error('the dynamodb-streams connector has no stream source');
      return source;
    },
    rawRecordAt: (r) => atOf((r as { dynamodb?: ImageWithAt }).dynamodb),
    eventRecordAt: (r) => atOf((r as { dynamodb?: ImageWithAt }).dynamodb),
    destroy: async () => {
      rawClient.destroy();
      await ddb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    },
  };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const endpoint = dynamoDbEndpoint();
  const ddb = new DynamoDBClient({ region: AWS_REGION, endpoint, credentials: awsCredentials() });
  try {
    const { sluice, raw, serverCpu } = await runStreamBench(
      ctx,
      cfg,
      (label) => tableStream(ddb, endpoint, label),
      serverPid('dynamodb', endpoint),
    );
    return [
      {
        group: 'dynamodb',
        rawLoop: 'GetRecords loop per shard, same client',
        name: `table stream, BatchSize ${cfg.batchSize}`,
        unit: 'records/s',
        sluice,
        raw,
        params: {
          records: cfg.total,
          rounds: cfg.rounds,
          batchSize: cfg.batchSize,
          pollMs: cfg.pollMs,
          streamViewType: 'NEW_AND_OLD_IMAGES',
          latencyRate: cfg.rate,
          latencySeconds: cfg.latencySeconds,
          ...serverCpuParams('DynamoDB Local', serverCpu, {
            sluice: sluice.cost?.cpuPercent,
            raw: raw.cost?.cpuPercent,
          }),
        },
        notes:
          'DynamoDB Local; sluice = stream engine + dynamodb-streams connector + no-op handler; raw = GetRecords ' +
          'loop per shard; throughput = median of alternating rounds from TRIM_HORIZON; latency = ' +
          'BatchWriteItem→handler from LATEST',
      },
    ];
  } finally {
    ddb.destroy();
  }
}

export const dynamodbScenario: Scenario = { id: 'dynamodb', title: 'DynamoDB Streams on DynamoDB Local', run };
