// The stream engine (core/esm) over the real Kinesis source on kinesalite, with an in-test Invoker: order per
// shard, checkpoints, and lineage after a split. End-to-end wiring through the app is tested elsewhere.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PutRecordCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisStreamSource } from '../../../connectors/kinesis/index.js';
import { createStreamMapping, type StreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { StreamMappingOptions } from '../../../src/core/esm/stream-options.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { Clock } from '../../../src/ports/clock.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { MemoryCheckpointStore } from '../../../src/state/memory.js';
import {
  createStream,
  startKinesalite,
  testKinesisClient,
  uniqueStreamName,
  waitActive,
  type Kinesalite,
} from './kinesalite.js';

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };
const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

interface KinesisEventRecord {
  eventID: string;
  eventSourceARN: string;
  kinesis: { sequenceNumber: string; partitionKey: string; data: string };
}

/** Records every event; fails the first `failFirst` invokes with a function error. */
class RecordingInvoker implements Invoker {
  readonly events: KinesisEventRecord[][] = [];
  constructor(private failFirst = 0) {}
  has(): boolean {
    return true;
  }
  invoke(_name: string, req: { payload: Buffer }) {
    const event = JSON.parse(req.payload.toString('utf8')) as { Records: KinesisEventRecord[] };
    this.events.push(event.Records);
    if (this.failFirst > 0) {
      this.failFirst--;
      const payload = Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: 'boom' }));
      return Promise.resolve({
        kind: 'function-error' as const,
        payload,
        errorType: 'Error',
        durationMs: 1,
        coldStart: false,
      });
    }
    return Promise.resolve({ kind: 'success' as const, payload: Buffer.from('null'), durationMs: 1, coldStart: false });
  }
  delivered(): KinesisEventRecord[] {
    return this.events.flat();
  }
}

let server: Kinesalite;
let admin: KinesisClient;
const running: StreamMapping[] = [];
const sources: KinesisStreamSource[] = [];

beforeAll(async () => {
  server = await startKinesalite();
  admin = testKinesisClient(server.endpoint);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.stop(1000)));
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  admin?.destroy();
  await server?.close();
});

function options(mappingId: string): StreamMappingOptions {
  return {
    mappingId,
    functionName: 'fn',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    batchSize: 10,
    maxBatchingWindowMs: 0,
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeMs: -1,
    reportBatchItemFailures: false,
    tumblingWindowMs: 0,
    startingPosition: { type: 'TRIM_HORIZON' },
    pollIntervalMs: 50,
    retryBackoff: { baseMs: 10, maxMs: 50 },
    shardDiscoveryIntervalMs: 100,
  };
}

function start(streamName: string, invoker: Invoker, checkpoints: MemoryCheckpointStore): void {
  const source = new KinesisStreamSource({
    client: testKinesisClient(server.endpoint),
    streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
    streamName,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
  });
  sources.push(source);
  const mapping = createStreamMapping({
    source,
    invoker,
    checkpoints,
    options: options(`m-${streamName}`),
    metrics: noopMetrics,
    clock: realClock,
    logger: quietLogger,
  });
  running.push(mapping);
  void mapping.start();
}

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function put(streamName: string, data: string, partitionKey: string): Promise<{ shardId: string; seq: string }> {
  const out = await admin.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from(data) }),
  );
  return { shardId: out.ShardId ?? '', seq: out.SequenceNumber ?? '' };
}

const text = (r: KinesisEventRecord): string => Buffer.from(r.kinesis.data, 'base64').toString('utf8');
const shardOf = (r: KinesisEventRecord): string => r.eventID.split(':')[0] ?? '';

describe('stream engine over the Kinesis source (kinesalite)', () => {
  it('STR-5/STR-9 delivers every record once, in order per shard, one shard per batch, and checkpoints the last', async () => {
    const name = uniqueStreamName('engine');
    await createStream(admin, name, 2);
    const puts: Array<{ shardId: string; seq: string }> = [];
    for (let i = 0; i < 40; i++) puts.push(await put(name, `r${i}`, `key-${i % 7}`));
    const invoker = new RecordingInvoker();
    const checkpoints = new MemoryCheckpointStore();
    start(name, invoker, checkpoints);
    await until('40 records', () => invoker.delivered().length >= 40);

    const delivered = invoker.delivered();
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered.map(text)).size).toBe(40);
    for (const batch of invoker.events) {
      expect(batch.length).toBeLessThanOrEqual(10);
      expect(new Set(batch.map(shardOf)).size).toBe(1);
    }
    for (const shardId of new Set(puts.map((p) => p.shardId))) {
      const seqs = delivered.filter((r) => shardOf(r) === shardId).map((r) => r.kinesis.sequenceNumber);
      expect(seqs).toEqual(puts.filter((p) => p.shardId === shardId).map((p) => p.seq));
      const last = seqs.at(-1) as string;
      await expect.poll(() => checkpoints.get(`m-${name}`, shardId), { timeout: 5000 }).toBe(last);
    }
  });

  it('STR-10 retries a failed batch on the same shard before anything later', async () => {
    const name = uniqueStreamName('engine-retry');
    await createStream(admin, name, 1);
    for (let i = 0; i < 5; i++) await put(name, `r${i}`, 'k');
    const invoker = new RecordingInvoker(2);
    start(name, invoker, new MemoryCheckpointStore());
    await until('3 invokes', () => invoker.events.length >= 3);
    const [first, second, third] = invoker.events.map((b) => b.map(text));
    expect(first).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('STR-9 a mapping stopped gracefully and started again resumes after its checkpoint: no replay, no gap', async () => {
    const name = uniqueStreamName('engine-resume');
    await createStream(admin, name, 2);
    for (let i = 0; i < 10; i++) await put(name, `a${i}`, `key-${i}`);
    const checkpoints = new MemoryCheckpointStore();
    const first = new RecordingInvoker();
    start(name, first, checkpoints);
    await until('first 10', () => first.delivered().length >= 10);
    await Promise.all(running.splice(0).map((m) => m.stop(1000)));
    for (let i = 0; i < 10; i++) await put(name, `b${i}`, `key-${i}`);
    const second = new RecordingInvoker();
    start(name, second, checkpoints);
    await until('next 10', () => second.delivered().length >= 10);
    expect(second.delivered().map(text).sort()).toEqual(Array.from({ length: 10 }, (_v, i) => `b${i}`).sort());
  });

  it('STR-40 finishes the split parent before reading its children', async () => {
    const name = uniqueStreamName('engine-split');
    await createStream(admin, name, 1);
    const parentPuts: Array<{ shardId: string; seq: string }> = [];
    for (let i = 0; i < 6; i++) parentPuts.push(await put(name, `p${i}`, `k${i}`));
    const parentId = parentPuts[0]?.shardId as string;
    await admin.send(
      new SplitShardCommand({ StreamName: name, ShardToSplit: parentId, NewStartingHashKey: (2n ** 127n).toString() }),
    );
    await waitActive(admin, name);
    for (let i = 0; i < 6; i++) await put(name, `c${i}`, `k${i}`);

    const invoker = new RecordingInvoker();
    const checkpoints = new MemoryCheckpointStore();
    start(name, invoker, checkpoints);
    await until('12 records', () => invoker.delivered().length >= 12);
    const order = invoker.delivered().map(text);
    expect(order.slice(0, 6)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(order.slice(6).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    await expect.poll(() => checkpoints.isFinished(`m-${name}`, parentId), { timeout: 5000 }).toBe(true);
  });
});
