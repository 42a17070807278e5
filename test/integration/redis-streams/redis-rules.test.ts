// The shared stream rules (spec §3, STR-*) on a real redis-server, through the Redis Streams source and the shared
// stream engine, with a scripted function and real destinations (a Redis stream, an SQS queue on ElasticMQ).
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStreamsConnector, type RedisStreamSource } from '../../../connectors/redis/index.js';
import { sqsConnector } from '../../../connectors/sqs/index.js';
import { systemClock } from '../../../src/app/clock.js';
import { createStreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { StreamMappingOptions } from '../../../src/core/esm/stream-options.js';
import { PLAIN_RECORDS, RecordFilter } from '../../../src/core/filter/index.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { Destination } from '../../../src/ports/sources.js';
import { servers, sqsClient } from '../../services/inject.js';
import { redisUrl } from './env.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn';
const ctx = (connection: Record<string, unknown> = {}) => ({
  connection: { url: redisUrl(), blockMs: 50, ...connection },
  region: 'us-east-1',
  accountId: '000000000000',
  logger: quiet,
  metrics: noopMetrics,
});

interface REntry {
  eventSourceARN: string;
  redis: { streamKey: string; id: string; fields: Record<string, string>; arrivalTimestamp: number };
}
interface Call {
  ids: string[];
  ns: string[];
  fields: Array<Record<string, string>>;
}
type Reply = 'fail' | 'throttle' | { response: unknown } | undefined;

interface FailureRecord {
  requestContext: { functionArn: string; condition: string; approximateInvokeCount: number };
  responseContext: Record<string, unknown> | null;
  version: string;
  RedisStreamBatchInfo: Record<string, unknown>;
}

let redis: Redis;
const stops: Array<() => Promise<void>> = [];
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
});

function invoker(calls: Call[], script: (records: REntry[], call: number) => Reply | Promise<Reply>): Invoker {
  return {
    has: () => true,
    invoke: async (_fn, req): Promise<InvokeResult> => {
      const { Records } = JSON.parse(Buffer.from(req.payload).toString()) as { Records: REntry[] };
      calls.push({
        ids: Records.map((r) => r.redis.id),
        ns: Records.map((r) => r.redis.fields.n ?? ''),
        fields: Records.map((r) => r.redis.fields),
      });
      const reply = await script(Records, calls.length);
      if (reply === 'throttle')
        return { kind: 'throttle', reason: 'ReservedFunctionConcurrency', message: 'Rate exceeded' };
      if (reply === 'fail')
        return {
          kind: 'function-error',
          payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
          errorType: 'Error',
          durationMs: 1,
          coldStart: false,
        };
      const payload = reply === undefined ? Buffer.from('') : Buffer.from(JSON.stringify(reply.response));
      return { kind: 'success', payload, durationMs: 1, coldStart: false };
    },
  };
}

async function run(
  key: string,
  script: (records: REntry[], call: number) => Reply | Promise<Reply>,
  options: Partial<StreamMappingOptions> = {},
  extra: { filterPatterns?: string[]; connection?: Record<string, unknown> } = {},
): Promise<{ calls: Call[]; group: string }> {
  const mappingId = randomUUID();
  const calls: Call[] = [];
  const source = redisStreamsConnector.createStreamSource!(
    `redis://${key}`,
    { mappingId, startingPosition: { type: 'TRIM_HORIZON' } },
    ctx({ consumerName: 'c1', ...extra.connection }),
  ) as RedisStreamSource;
  const filter =
    extra.filterPatterns === undefined
      ? undefined
      : RecordFilter.compile({ Filters: extra.filterPatterns.map((Pattern) => ({ Pattern })) }, PLAIN_RECORDS);
  const mapping = createStreamMapping({
    source,
    invoker: invoker(calls, script),
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
    filter,
    options: {
      mappingId,
      functionName: 'fn',
      functionArn: FN_ARN,
      batchSize: 100,
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
      ...options,
    },
  });
  stops.push(async () => {
    await mapping.stop(2000);
    await source.close();
  });
  await mapping.start();
  return { calls, group: `sluice-${mappingId}` };
}

async function stream(n: number, fields: (i: number) => string[] = (i) => ['n', String(i)]): Promise<string> {
  const key = `rr-${randomUUID()}`;
  stops.push(async () => void (await redis.del(key)));
  for (let i = 0; i < n; i++) await redis.xadd(key, '*', ...fields(i));
  return key;
}

/** Waits until the group has read every entry and holds none unacknowledged. */
async function drained(key: string, group: string, total: number): Promise<void> {
  await until(async () => {
    const info = (await redis.xinfo('GROUPS', key).catch(() => [])) as unknown[][];
    const g = info.map((row) => toObj(row)).find((o) => o.name === group);
    return g !== undefined && g.pending === 0 && g['entries-read'] === total ? true : undefined;
  });
}

function toObj(row: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < row.length; i += 2) o[String(row[i])] = row[i + 1];
  return o;
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sqsQueue(): Promise<{ destination: Destination; receive: () => Promise<FailureRecord[]> }> {
  const client = sqsClient();
  const name = `rs-${randomUUID()}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const destination = sqsConnector.createDestination!(`arn:aws:sqs:us-east-1:000000000000:${name}`, {
    ...ctx(),
    connection: { endpoint: servers().sqs.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
  });
  stops.push(() => destination.close());
  const got: FailureRecord[] = [];
  return {
    destination,
    receive: async () => {
      const r = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      got.push(...(r.Messages ?? []).map((m) => JSON.parse(m.Body!) as FailureRecord));
      return got;
    },
  };
}

const hasBad = (records: REntry[]) => records.some((r) => r.redis.fields.n === 'bad');

describe('shared stream rules on Redis Streams (real redis-server)', () => {
  it('STR-5/STR-9/STR-10 a failing batch blocks the stream and is retried whole until it succeeds; then everything is acked in order', async () => {
    const key = await stream(6);
    const gate = { open: false };
    const r = await run(key, () => (gate.open ? undefined : 'fail'), { batchSize: 3 });
    await until(() => Promise.resolve(r.calls.length >= 4 ? true : undefined));
    // The same first batch every time; nothing later is sent while it fails.
    for (const c of r.calls) expect(c.ns).toEqual(['0', '1', '2']);
    gate.open = true;
    await drained(key, r.group, 6);
    expect(r.calls.slice(-2).map((c) => c.ns)).toEqual([
      ['0', '1', '2'],
      ['3', '4', '5'],
    ]);
  });

  it('STR-13/STR-14 MaximumRetryAttempts: 1 + N invokes, then an on-failure record to a Redis stream destination, and the stream moves on', async () => {
    const key = await stream(4, (i) => ['n', i === 1 ? 'bad' : String(i)]);
    const dlq = `dlq-${randomUUID()}`;
    stops.push(async () => void (await redis.del(dlq)));
    const destination = redisStreamsConnector.createDestination!(`redis://${dlq}`, ctx());
    stops.push(() => destination.close());
    const r = await run(key, (recs) => (hasBad(recs) ? 'fail' : undefined), {
      batchSize: 2,
      maxBatchingWindowMs: 200,
      maximumRetryAttempts: 2,
      onFailure: destination,
    });
    await drained(key, r.group, 4);
    expect(r.calls.map((c) => c.ns)).toEqual([
      ['0', 'bad'],
      ['0', 'bad'],
      ['0', 'bad'],
      ['2', '3'],
    ]);
    const entries = await redis.xrange(dlq, '-', '+');
    expect(entries).toHaveLength(1);
    const fields = entries[0]![1];
    const record = JSON.parse(fields[fields.indexOf('record') + 1]!) as FailureRecord;
    expect(fields[fields.indexOf('function') + 1]).toBe('fn');
    expect(record.requestContext).toMatchObject({
      functionArn: FN_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(record.RedisStreamBatchInfo).toMatchObject({
      shardId: key,
      startSequenceNumber: r.calls[0]!.ids[0],
      endSequenceNumber: r.calls[0]!.ids[1],
      batchSize: 2,
      streamArn: `redis://${key}`,
    });
  });

  it('STR-15 records older than MaximumRecordAgeInSeconds go to an SQS destination without invoking (RecordAgeExceeded)', async () => {
    const key = `rr-${randomUUID()}`;
    stops.push(async () => void (await redis.del(key)));
    const old = Date.now() - 120_000;
    await redis.xadd(key, `${old}-0`, 'n', 'old-0');
    await redis.xadd(key, `${old}-1`, 'n', 'old-1');
    await redis.xadd(key, '*', 'n', 'fresh');
    const q = await sqsQueue();
    const r = await run(key, () => undefined, { maximumRecordAgeMs: 60_000, onFailure: q.destination });
    await drained(key, r.group, 3);
    expect(r.calls.flatMap((c) => c.ns)).toEqual(['fresh']);
    const [rec] = await until(async () => {
      const got = await q.receive();
      return got.length > 0 ? got : undefined;
    });
    expect(rec!.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 1 });
    expect(rec!.responseContext).toBeNull();
    expect(rec!.RedisStreamBatchInfo).toMatchObject({
      startSequenceNumber: `${old}-0`,
      endSequenceNumber: `${old}-1`,
      approximateArrivalOfFirstRecord: new Date(old).toISOString(),
      batchSize: 2,
    });
  });

  it('STR-12 throttles do not use MaximumRetryAttempts: the batch is retried until it runs', async () => {
    const key = await stream(3);
    const q = await sqsQueue();
    const r = await run(key, (_recs, call) => (call <= 4 ? 'throttle' : undefined), {
      batchSize: 3,
      maxBatchingWindowMs: 200,
      maximumRetryAttempts: 0,
      onFailure: q.destination,
    });
    await drained(key, r.group, 3);
    expect(r.calls.map((c) => c.ns)).toEqual(Array.from({ length: 5 }, () => ['0', '1', '2']));
    expect(await q.receive()).toEqual([]);
  });

  it('STR-16/STR-17 BisectBatchOnFunctionError splits the batch, first half first, and isolates the bad entry', async () => {
    const key = await stream(8, (i) => ['n', i === 5 ? 'bad' : String(i)]);
    const q = await sqsQueue();
    const r = await run(key, (recs) => (hasBad(recs) ? 'fail' : undefined), {
      batchSize: 8,
      maxBatchingWindowMs: 200,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
      onFailure: q.destination,
    });
    await drained(key, r.group, 8);
    expect(r.calls.map((c) => c.ns.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    expect(r.calls.filter((c) => !c.ns.includes('bad')).flatMap((c) => c.ns)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '6',
      '7',
    ]);
    const [rec] = await until(async () => {
      const got = await q.receive();
      return got.length > 0 ? got : undefined;
    });
    expect(rec!.RedisStreamBatchInfo).toMatchObject({ batchSize: 1, startSequenceNumber: r.calls[5]!.ids[0] });
  });

  it('STR-21 a partial batch response rewinds to the lowest listed entry id: earlier entries are acked, the rest retried', async () => {
    const key = await stream(6);
    const r = await run(
      key,
      (recs, call) =>
        call === 1
          ? {
              response: {
                batchItemFailures: [{ itemIdentifier: recs[4]!.redis.id }, { itemIdentifier: recs[2]!.redis.id }],
              },
            }
          : undefined,
      { batchSize: 6, maxBatchingWindowMs: 200, reportBatchItemFailures: true },
    );
    await drained(key, r.group, 6);
    expect(r.calls.map((c) => c.ns)).toEqual([
      ['0', '1', '2', '3', '4', '5'],
      ['2', '3', '4', '5'],
    ]);
  });

  it('STR-22 an empty list, a null list, an empty object and a null body are complete success', async () => {
    const key = await stream(4);
    const replies: unknown[] = [{ batchItemFailures: [] }, { batchItemFailures: null }, {}, null];
    const r = await run(key, (_recs, call) => ({ response: replies[call - 1] ?? null }), {
      batchSize: 1,
      reportBatchItemFailures: true,
    });
    await drained(key, r.group, 4);
    expect(r.calls.map((c) => c.ns)).toEqual([['0'], ['1'], ['2'], ['3']]);
  });

  it('STR-23/STR-24 an empty itemIdentifier or an id not in the batch fails the whole batch; STR-26 ignored without ReportBatchItemFailures', async () => {
    const key = await stream(2);
    const bad = [{ itemIdentifier: '' }, { itemIdentifier: '0-1' }, { wrongKey: 'x' }];
    const r = await run(
      key,
      (_recs, call) => (call <= bad.length ? { response: { batchItemFailures: [bad[call - 1]] } } : undefined),
      { batchSize: 2, maxBatchingWindowMs: 200, reportBatchItemFailures: true },
    );
    await drained(key, r.group, 2);
    expect(r.calls.map((c) => c.ns)).toEqual(Array.from({ length: 4 }, () => ['0', '1']));

    const key2 = await stream(2);
    const r2 = await run(
      key2,
      (recs) => ({ response: { batchItemFailures: [{ itemIdentifier: recs[0]!.redis.id }] } }),
      {
        batchSize: 2,
        maxBatchingWindowMs: 200,
      },
    );
    await drained(key2, r2.group, 2);
    expect(r2.calls).toHaveLength(1);
  });

  it('STR-42 entries that do not match the filter are acked without invoking', async () => {
    const key = await stream(6, (i) => ['n', String(i), 'type', i % 3 === 0 ? 'keep' : 'skip']);
    const r = await run(
      key,
      () => undefined,
      { batchSize: 10, maxBatchingWindowMs: 200 },
      {
        filterPatterns: [JSON.stringify({ redis: { fields: { type: ['keep'] } } })],
      },
    );
    await drained(key, r.group, 6);
    expect(r.calls.flatMap((c) => c.ns)).toEqual(['0', '3']);
    // A stream tail where nothing matches is acknowledged too.
    for (let i = 0; i < 3; i++) await redis.xadd(key, '*', 'n', `x${i}`, 'type', 'skip');
    await drained(key, r.group, 9);
    expect(r.calls.flatMap((c) => c.ns)).toEqual(['0', '3']);
  });

  it('STR-6 ParallelizationFactor with partitionKeyField: entries of one key never run concurrently and keep their order; keys run in parallel', async () => {
    const keys = ['a', 'b', 'c', 'd'];
    const key = await stream(80, (i) => ['n', String(i), 'customer', keys[i % 4]!]);
    const running = new Map<string, number>();
    let overlap = false;
    let parallel = 0;
    let inFlight = 0;
    const r = await run(
      key,
      async (recs) => {
        const ks = [...new Set(recs.map((x) => x.redis.fields.customer!))];
        for (const k of ks) {
          if ((running.get(k) ?? 0) > 0) overlap = true;
          running.set(k, (running.get(k) ?? 0) + 1);
        }
        parallel = Math.max(parallel, ++inFlight);
        await new Promise((res) => setTimeout(res, 15));
        inFlight--;
        for (const k of ks) running.set(k, running.get(k)! - 1);
        return undefined;
      },
      { batchSize: 5, parallelizationFactor: 4 },
      { connection: { partitionKeyField: 'customer' } },
    );
    await drained(key, r.group, 80);
    expect(overlap).toBe(false);
    expect(parallel).toBeGreaterThan(1);
    const seen = new Map<string, number[]>();
    for (const c of r.calls)
      c.fields.forEach((f) => {
        const list = seen.get(f.customer!) ?? [];
        list.push(Number(f.n));
        seen.set(f.customer!, list);
      });
    for (const [k, ns] of seen) {
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(20);
      expect(ns.every((n) => keys[n % 4] === k)).toBe(true);
    }
  });
});
