// Shared pieces of the stream tests that drive the BUILT service (test/e2e/service.ts) against the shared
// kinesalite, DynamoDB Local and ElasticMQ: config building, stream/table/queue setup, and reading back what the
// fixture handler (test/fixtures/streams/handlers.mjs) saw and what reached the on-failure queue.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MergeShardsCommand, PutRecordsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CompiledConfig } from '../../../src/config/compile.js';
import { openState } from '../../../src/app/state.js';
import { createStream, waitActive } from '../kinesis/kinesalite.js';
import { startService, type Service } from '../../e2e/service.js';
import { servers } from '../../services/inject.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const FIXTURES = path.resolve('test/fixtures/streams');
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

/** Fields the fixture handler reads from each record (see handlers.mjs). */
export interface TestRecord {
  id: string;
  fail?: number;
  poison?: 1;
  partial?: number;
  bogus?: number;
  sleepMs?: number;
  keep?: boolean;
}

export interface SeenRecord {
  id: string;
  seq: string;
  shard: string;
  pk: string;
}

export interface Invocation {
  fn: string;
  pid: number;
  requestId: string;
  start: number;
  end: number;
  outcome: 'ok' | 'error' | 'poison' | 'partial' | 'bogus';
  records: SeenRecord[];
}

export const kinesisArn = (name: string) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
export const sqsArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

const outDir = mkdtempSync(path.join(tmpdir(), 'sluice-streams-'));
export const outFile = (fn: string) => path.join(outDir, `${fn}.jsonl`);

/** A nodejs function running the fixture handler, writing what it sees to outFile(name). */
export function fixtureFunction(name: string): object {
  return {
    Handler: 'handlers.handler',
    CodeUri: FIXTURES,
    Timeout: 30,
    Environment: { Variables: { OUT: outFile(name) } },
  };
}

/** Connections to the shared servers, fast retry/poll tuning (D-13), and the given functions and mappings. */
export function serviceConfig(parts: {
  functions: Record<string, object>;
  mappings: object[];
  state?: object;
}): object {
  const s = servers();
  return {
    logLevel: 'info',
    ...(parts.state ? { state: parts.state } : {}),
    connections: {
      kinesis: { type: 'kinesis', endpoint: s.kinesis.endpoint, region: REGION, credentials },
      dynamodb: { type: 'dynamodb', endpoint: s.dynamodb.endpoint, region: REGION, credentials },
      sqs: { type: 'sqs', endpoint: s.sqs.endpoint, region: REGION, credentials },
      redis: { type: 'redis', url: s.redis.url },
    },
    tuning: { streamPollIntervalMs: 100, throttleBackoffSeconds: { base: 0.02, max: 0.2 } },
    functions: parts.functions,
    eventSourceMappings: parts.mappings,
  };
}

export function invocations(fn: string): Invocation[] {
  let text: string;
  try {
    text = readFileSync(outFile(fn), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Invocation);
}

export const ids = (inv: Invocation) => inv.records.map((r) => r.id);
/** Records of successful (ok/partial-success part excluded) invocations, flattened. */
export const delivered = (fn: string) =>
  invocations(fn)
    .filter((i) => i.outcome === 'ok')
    .flatMap((i) => i.records);

export interface Put {
  id: string;
  shardId: string;
  seq: string;
}

/** PutRecords in one call per 500; returns where each record landed, in put order. */
export async function putKinesis(
  client: KinesisClient,
  stream: string,
  records: Array<TestRecord & { pk?: string }>,
): Promise<Put[]> {
  const out: Put[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const res = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map(({ pk, ...data }) => ({
          PartitionKey: pk ?? data.id,
          Data: Buffer.from(JSON.stringify(data)),
        })),
      }),
    );
    if ((res.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed');
    (res.Records ?? []).forEach((r, j) =>
      out.push({ id: chunk[j]?.id ?? '', shardId: r.ShardId ?? '', seq: r.SequenceNumber ?? '' }),
    );
  }
  return out;
}

export { createStream, waitActive };

export async function splitShard(client: KinesisClient, stream: string, shardId: string): Promise<void> {
  await client.send(
    new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: (2n ** 127n).toString() }),
  );
  await waitActive(client, stream);
}

export async function mergeShards(client: KinesisClient, stream: string, a: string, b: string): Promise<void> {
  await client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: a, AdjacentShardToMerge: b }));
  await waitActive(client, stream);
}

/** A pk (S) + sk (N) table with a NEW_AND_OLD_IMAGES stream; returns the stream ARN from LatestStreamArn. */
export async function createTable(ddb: DynamoDBClient, table: string): Promise<string> {
  const created = await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const arn =
    created.TableDescription?.LatestStreamArn ??
    (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
  if (arn === undefined) throw new Error('DynamoDB Local created no stream');
  return arn;
}

/** One PutItem per record, in order (pk = record.pk or id, sk = record.sk or the index): same pk+sk = same item. */
export async function putItems(
  ddb: DynamoDBClient,
  table: string,
  records: Array<TestRecord & { pk?: string; sk?: number }>,
): Promise<void> {
  let next = 0;
  for (const { pk, sk, ...r } of records) {
    const Item: Record<string, AttributeValue> = { pk: { S: pk ?? r.id }, sk: { N: String(sk ?? next++) } };
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number') Item[k] = { N: String(v) };
      else if (typeof v === 'boolean') Item[k] = { BOOL: v };
      else if (typeof v === 'string') Item[k] = { S: v };
    }
    await ddb.send(new PutItemCommand({ TableName: table, Item }));
  }
}

export async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!out.QueueUrl) throw new Error('no queue url');
  return out.QueueUrl;
}

/** Receives (and deletes) every message currently on the queue, bodies parsed as JSON. */
export async function drainQueue(sqs: SQSClient, url: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (;;) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const msgs = res.Messages ?? [];
    if (msgs.length === 0) return out;
    for (const m of msgs) out.push(JSON.parse(m.Body ?? 'null') as Record<string, unknown>);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** Polls until `check` returns a value (no fixed sleeps). */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Whether `state: {type: "redis"}` keeps stream checkpoints and leases in Redis (shared by processes, kept across
 * restarts). Until src/app/state.ts opens the Redis CheckpointStore/LeaseStore it answers false.
 */
export async function redisStreamStateIsShared(): Promise<boolean> {
  const config = {
    state: { type: 'redis', connection: 'redis' },
    connections: { redis: { type: 'redis', url: servers().redis.url } },
  } as unknown as CompiledConfig;
  const opened = openState(config);
  await opened.asyncQueue.close();
  await opened.store.close();
  return opened.shared;
}

/** Starts a service whose Date.now runs `skewMs` ahead (test/fixtures/streams/clock-skew.mjs preloaded). */
export async function startSkewed(config: object, skewMs: number): Promise<Service> {
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, SKEW: process.env.SLUICE_TEST_CLOCK_SKEW_MS };
  const preload = pathToFileURL(path.join(FIXTURES, 'clock-skew.mjs')).href;
  process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import ${preload}`.trim();
  process.env.SLUICE_TEST_CLOCK_SKEW_MS = String(skewMs);
  try {
    return await startService(config);
  } finally {
    for (const [k, v] of [
      ['NODE_OPTIONS', saved.NODE_OPTIONS],
      ['SLUICE_TEST_CLOCK_SKEW_MS', saved.SKEW],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
