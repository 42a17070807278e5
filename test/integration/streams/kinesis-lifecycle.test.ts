// Kinesis rules that need their own service process: record age expiry (the service's clock runs ahead, so
// fresh records are past MaximumRecordAgeInSeconds, whose minimum is 60 s), checkpoints across a restart, and a
// LATEST mapping on a quiet stream (kinesalite never answers its AT_TIMESTAMP GetShardIterator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients, kinesisClient, sqsClient, uniqueName } from '../../services/inject.js';
import {
  ISO_MS,
  createQueue,
  createStream,
  delivered,
  drainQueue,
  fixtureFunction,
  functionArn,
  invocations,
  kinesisArn,
  putKinesis,
  redisStreamStateIsShared,
  serviceConfig,
  sqsArn,
  startSkewed,
  waitFor,
} from './kit.js';

let kinesis: KinesisClient;
let sqs: SQSClient;
const streams: string[] = [];
const services: Service[] = [];

beforeAll(() => {
  kinesis = kinesisClient();
  sqs = sqsClient();
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  for (const name of streams) await kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
  await closeClients();
});

async function newStream(prefix: string, shards = 1): Promise<string> {
  const name = uniqueName(prefix);
  streams.push(name);
  await createStream(kinesis, name, shards);
  return name;
}

describe('Kinesis mapping lifecycle through the built service', () => {
  it('regression: a service with state type redis exits 0 after SIGTERM (its Redis async queue used to stay open)', async () => {
    const svc = await startService(
      serviceConfig({ state: { type: 'redis', connection: 'redis' }, functions: {}, mappings: [] }),
    );
    services.push(svc);
    const exited = await Promise.race([svc.stop(), new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(exited).toBe(0);
  });

  it('STR-15 D-4 records past MaximumRecordAgeInSeconds are discarded without invoking (RecordAgeExceeded, responseContext null)', async () => {
    const stream = await newStream('str-age');
    const queue = uniqueName('str-age-dlq');
    const url = await createQueue(sqs, queue);
    const puts = await putKinesis(kinesis, stream, [{ id: 'e0' }, { id: 'e1' }]);
    const fn = 'kin-age';
    // The service's clock runs 2 minutes ahead: records stamped now by kinesalite are 120 s old to it.
    const svc = await startSkewed(
      serviceConfig({
        functions: { [fn]: fixtureFunction(fn) },
        mappings: [
          {
            FunctionName: fn,
            EventSourceArn: kinesisArn(stream),
            Connection: 'kinesis',
            StartingPosition: 'TRIM_HORIZON',
            MaximumRecordAgeInSeconds: 60,
            DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } },
          },
        ],
      }),
      120_000,
    );
    services.push(svc);
    const [record] = await waitFor('age-expiry record', async () => {
      const got = await drainQueue(sqs, url);
      return got.length > 0 ? got : undefined;
    });
    expect(record).toEqual({
      requestContext: {
        requestId: expect.any(String) as unknown,
        functionArn: functionArn(fn),
        condition: 'RecordAgeExceeded',
        // AWS's recorded age-expiry records say 1 even when the function never ran.
        approximateInvokeCount: 1,
      },
      responseContext: null,
      version: '1.0',
      timestamp: expect.stringMatching(ISO_MS) as unknown,
      KinesisBatchInfo: {
        shardId: puts[0]!.shardId,
        startSequenceNumber: puts[0]!.seq,
        endSequenceNumber: puts[1]!.seq,
        approximateArrivalOfFirstRecord: expect.stringMatching(ISO_MS) as unknown,
        approximateArrivalOfLastRecord: expect.stringMatching(ISO_MS) as unknown,
        batchSize: 2,
        streamArn: kinesisArn(stream),
      },
    });
    expect(invocations(fn)).toEqual([]);
    expect(await svc.stop()).toBe(0);
  });

  it('STR-9 a graceful restart resumes after the last checkpoint (no gap; replays only without a shared state store)', async () => {
    const stream = await newStream('str-restart', 2);
    const fn = 'kin-restart';
    const config = serviceConfig({
      state: { type: 'redis', connection: 'redis' },
      functions: { [fn]: fixtureFunction(fn) },
      mappings: [
        {
          FunctionName: fn,
          EventSourceArn: kinesisArn(stream),
          Connection: 'kinesis',
          StartingPosition: 'TRIM_HORIZON',
        },
      ],
    });
    const first = Array.from({ length: 20 }, (_v, i) => ({ id: `a${i}` }));
    const second = Array.from({ length: 20 }, (_v, i) => ({ id: `b${i}` }));
    await putKinesis(kinesis, stream, first);
    const before = await startService(config);
    services.push(before);
    const ids = () => delivered(fn).map((r) => r.id);
    await waitFor('first 20', () => (first.every((r) => ids().includes(r.id)) ? true : undefined));
    // SIGTERM: batches in flight finish and their checkpoints are written before the process exits.
    expect(await before.stop()).toBe(0);
    await putKinesis(kinesis, stream, second);
    const after = await startService(config);
    services.push(after);
    await waitFor('second 20', () => (second.every((r) => ids().includes(r.id)) ? true : undefined));
    expect(await after.stop()).toBe(0);

    const all = ids();
    const replayed = all.filter((id) => id.startsWith('a')).length - first.length;
    // No gap ever; without a durable checkpoint store the restart replays from TRIM_HORIZON (duplicates).
    expect(new Set(all)).toEqual(new Set([...first, ...second].map((r) => r.id)));
    const durable = await redisStreamStateIsShared();
    console.info(`STR-9 restart: ${replayed} of ${first.length} records replayed (redis checkpoints: ${durable})`);
    expect(replayed).toBe(durable ? 0 : first.length);
  });

  /** A LATEST mapping on a one-shard stream that already holds a record from before the start. */
  async function quietLatest(prefix: string): Promise<{ stream: string; fn: string; svc: Service }> {
    const stream = await newStream(prefix);
    await putKinesis(kinesis, stream, [{ id: `${prefix}-before` }]);
    const fn = uniqueName(prefix);
    const svc = await startService(
      serviceConfig({
        functions: { [fn]: fixtureFunction(fn) },
        mappings: [
          { FunctionName: fn, EventSourceArn: kinesisArn(stream), Connection: 'kinesis', StartingPosition: 'LATEST' },
        ],
      }),
    );
    services.push(svc);
    // The shard worker runs: its first GetShardIterator (AT_TIMESTAMP of the start) finds no newer record.
    await waitFor('shard owned', async () =>
      (await metricValue(svc.url, 'sluice_shard_state', { state: 'running' })) === 1 ? true : undefined,
    );
    // Long enough for kinesalite to leave at least one of those requests unanswered (AT_TIMESTAMP_WAIT_MS 2 s).
    await new Promise((r) => setTimeout(r, 3000));
    return { stream, fn, svc };
  }

  it('STR-1 LATEST on a quiet stream delivers a record put after the start (kinesalite 3.3.3)', async () => {
    const { stream, fn, svc } = await quietLatest('str-latest');
    await putKinesis(kinesis, stream, [{ id: 'str-latest-after' }]);
    await waitFor('record put after the start', () =>
      delivered(fn).some((r) => r.id === 'str-latest-after') ? true : undefined,
    );
    expect(delivered(fn).map((r) => r.id)).toEqual(['str-latest-after']);
    expect(await svc.stop()).toBe(0);
  });

  it('STR-1 SIGTERM during the quiet wait of a LATEST mapping exits 0 in time', async () => {
    const { svc } = await quietLatest('str-latest-term');
    const startedAt = Date.now();
    // Generous: the default grace is 30 s; the old code never exited (the iterator request had no deadline).
    const code = await Promise.race([svc.stop(), new Promise((r) => setTimeout(() => r('still running'), 25_000))]);
    expect(code).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(25_000);
  });
});
