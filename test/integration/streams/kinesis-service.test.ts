// Kinesis mappings through the BUILT service (dist/, started as a child process) against the shared kinesalite,
// with the fixture handler and an on-failure SQS queue on the shared ElasticMQ. Every observable STR rule and
// decision has a test named after it; docs/streams.md maps rules to tests. Build first: npm run build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { laneOf } from '../../../src/core/esm/lane-hash.js';
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
  ids,
  invocations,
  kinesisArn,
  mergeShards,
  putKinesis,
  serviceConfig,
  splitShard,
  sqsArn,
  waitFor,
  type Invocation,
  type Put,
  type TestRecord,
} from './kit.js';

type Rec = TestRecord & { pk?: string };

interface Case {
  shards: number;
  /** Put before the service starts, so the first read holds all of them (exact batch contents). */
  records?: Rec[];
  mapping?: object;
  fn?: object;
  /** Create the on-failure queue at once (false: the test creates it later). */
  dlq?: boolean | 'later';
}

const CASES = {
  order: { shards: 2, mapping: { BatchSize: 4 } },
  retry: { shards: 1, records: [{ id: 'x', fail: 2 }, { id: 'y' }, { id: 'z' }] },
  exhausted: {
    shards: 1,
    records: [{ id: 'a' }, { id: 'b', fail: 99 }, { id: 'c' }, { id: 'd' }],
    mapping: { BatchSize: 3, MaximumRetryAttempts: 2 },
    dlq: true,
  },
  bisect: {
    shards: 1,
    records: Array.from({ length: 8 }, (_v, i): Rec => (i === 5 ? { id: `r${i}`, poison: 1 } : { id: `r${i}` })),
    mapping: { BatchSize: 8, MaximumRetryAttempts: 1, BisectBatchOnFunctionError: true },
    dlq: true,
  },
  partial: {
    shards: 1,
    records: Array.from({ length: 10 }, (_v, i): Rec =>
      i === 4 || i === 7 ? { id: `p${i}`, partial: 1 } : { id: `p${i}` },
    ),
    mapping: { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] },
  },
  bogus: {
    shards: 1,
    records: [{ id: 'b0', bogus: 1 }, { id: 'b1' }, { id: 'b2' }],
    mapping: { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 0 },
    dlq: true,
  },
  ignored: { shards: 1, records: [{ id: 'q0', partial: 1 }, { id: 'q1' }], mapping: { BatchSize: 10 } },
  filter: {
    shards: 1,
    records: Array.from({ length: 10 }, (_v, i) => ({ id: `f${i}`, keep: i % 2 === 0 })),
    mapping: { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { keep: [true] } }) }] } },
  },
  lanes: { shards: 1, mapping: { ParallelizationFactor: 4, BatchSize: 2 } },
  split: { shards: 1, mapping: { BatchSize: 2 } },
  merge: { shards: 2, mapping: { BatchSize: 2 } },
  throttle: {
    shards: 1,
    records: [{ id: 't0' }],
    fn: { ReservedConcurrentExecutions: 0 },
    mapping: { MaximumRetryAttempts: 0 },
    dlq: true,
  },
  window: { shards: 1, mapping: { TumblingWindowInSeconds: 1, BatchSize: 2 }, fn: { Handler: 'handlers.windowed' } },
  destdown: { shards: 1, mapping: { MaximumRetryAttempts: 0, BatchSize: 1 }, dlq: 'later' },
} satisfies Record<string, Case>;
type Key = keyof typeof CASES;

let svc: Service;
let kinesis: KinesisClient;
let sqs: SQSClient;
const stream = {} as Record<Key, string>;
const queue = {} as Record<Key, string>;
const queueUrl = {} as Partial<Record<Key, string>>;
const puts = {} as Record<Key, Put[]>;
const fn = (k: Key) => `kin-${k}`;

beforeAll(async () => {
  kinesis = kinesisClient();
  sqs = sqsClient();
  const functions: Record<string, object> = {};
  const mappings: object[] = [];
  for (const [k, c] of Object.entries(CASES) as Array<[Key, Case]>) {
    stream[k] = uniqueName(`str-${k}`);
    queue[k] = uniqueName(`str-${k}-dlq`);
    await createStream(kinesis, stream[k], c.shards);
    puts[k] = c.records ? await putKinesis(kinesis, stream[k], c.records) : [];
    if (c.dlq === true) queueUrl[k] = await createQueue(sqs, queue[k]);
    functions[fn(k)] = { ...fixtureFunction(fn(k)), ...c.fn };
    mappings.push({
      FunctionName: fn(k),
      EventSourceArn: kinesisArn(stream[k]),
      Connection: 'kinesis',
      StartingPosition: 'TRIM_HORIZON',
      ...(c.dlq ? { DestinationConfig: { OnFailure: { Destination: sqsArn(queue[k]) } } } : {}),
      ...c.mapping,
    });
  }
  svc = await startService({
    ...serviceConfig({ functions, mappings }),
    server: { port: 0, shutdownGraceSeconds: 5 },
  });
}, 120_000);

afterAll(async () => {
  const code = await svc?.stop();
  for (const name of Object.values(stream))
    await kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
  await closeClients();
  expect(code).toBe(0);
});

const seqOf = (k: Key, id: string) => puts[k].find((p) => p.id === id)?.seq;
const deliveredIds = (k: Key) => delivered(fn(k)).map((r) => r.id);
const waitDelivered = (k: Key, id: string) =>
  waitFor(`${id} delivered to ${fn(k)}`, () => (deliveredIds(k).includes(id) ? true : undefined));
const waitMessages = (k: Key, n: number) => {
  const got: Array<Record<string, unknown>> = [];
  return waitFor(`${n} on-failure record(s) for ${k}`, async () => {
    got.push(...(await drainQueue(sqs, queueUrl[k] ?? '')));
    return got.length >= n ? got : undefined;
  });
};
const metric = (name: string, k: Key, extra: Record<string, string> = {}) =>
  metricValue(svc.url, name, { function: fn(k), ...extra });

describe('Kinesis through the built service', () => {
  it('STR-5 STR-9 keeps order per shard, one shard per batch, one batch in flight per shard (STR-27 iterator age)', async () => {
    const k: Key = 'order';
    const recs = Array.from({ length: 30 }, (_v, i) => ({ id: `o${i}`, pk: `key-${i % 6}`, sleepMs: 5 }));
    puts[k] = await putKinesis(kinesis, stream[k], recs);
    await waitFor('30 records', () => (deliveredIds(k).length >= 30 ? true : undefined));
    const invs = invocations(fn(k));
    const seen = invs.flatMap((i) => i.records);
    expect(seen.map((r) => r.id).sort()).toEqual(recs.map((r) => r.id).sort());
    const shards = new Set(puts[k].map((p) => p.shardId));
    expect(shards.size).toBe(2);
    for (const shard of shards) {
      expect(seen.filter((r) => r.shard === shard).map((r) => r.seq)).toEqual(
        puts[k].filter((p) => p.shardId === shard).map((p) => p.seq),
      );
      const mine = invs.filter((i) => i.records[0]?.shard === shard).sort((a, b) => a.start - b.start);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
    }
    for (const inv of invs) {
      expect(inv.records.length).toBeLessThanOrEqual(4);
      expect(new Set(inv.records.map((r) => r.shard)).size).toBe(1);
    }
    expect(await metric('sluice_iterator_age_seconds', k)).toBeGreaterThanOrEqual(0);
    expect(await metric('sluice_invoked_events_total', k)).toBe(30);
  });

  it('STR-10 STR-13 retries the same batch until it succeeds and runs nothing later meanwhile', async () => {
    const k: Key = 'retry';
    await waitDelivered(k, 'z');
    const invs = invocations(fn(k));
    expect(invs.map(ids)).toEqual([
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
    ]);
    expect(invs.map((i) => i.outcome)).toEqual(['error', 'error', 'ok']);
  });

  it('STR-13 STR-14 STR-27..29 MaximumRetryAttempts exhausted: exact KinesisBatchInfo record on the queue, shard moves on', async () => {
    const k: Key = 'exhausted';
    const [record] = await waitMessages(k, 1);
    await waitDelivered(k, 'd');
    const invs = invocations(fn(k));
    expect(invs.map(ids)).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['d']]);
    expect(record).toEqual({
      requestContext: {
        requestId: invs[2]!.requestId,
        functionArn: functionArn(fn(k)),
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(ISO_MS) as unknown,
      KinesisBatchInfo: {
        shardId: puts[k][0]!.shardId,
        startSequenceNumber: seqOf(k, 'a'),
        endSequenceNumber: seqOf(k, 'c'),
        approximateArrivalOfFirstRecord: expect.stringMatching(ISO_MS) as unknown,
        approximateArrivalOfLastRecord: expect.stringMatching(ISO_MS) as unknown,
        batchSize: 3,
        streamArn: kinesisArn(stream[k]),
      },
    });
    expect(await metric('sluice_on_failure_delivered_events_total', k)).toBe(3);
    expect(await metric('sluice_dropped_events_total', k)).toBe(0);
  });

  it('STR-16 STR-17 STR-18 STR-20 D-3 bisect isolates the poison record; only it reaches the queue', async () => {
    const k: Key = 'bisect';
    const [record] = await waitMessages(k, 1);
    await waitDelivered(k, 'r7');
    const invs = invocations(fn(k));
    expect(invs.map(ids)).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5', 'r6', 'r7'],
      ['r4', 'r5'],
      ['r4'],
      ['r5'],
      ['r5'], // MaximumRetryAttempts 1: the split halves never used it (D-3)
      ['r6', 'r7'],
    ]);
    expect(record).toMatchObject({
      requestContext: {
        requestId: invs[6]!.requestId,
        condition: 'RetryAttemptsExhausted',
        // Every invocation that included r5 (D-3).
        approximateInvokeCount: 5,
      },
      KinesisBatchInfo: { startSequenceNumber: seqOf(k, 'r5'), endSequenceNumber: seqOf(k, 'r5'), batchSize: 1 },
    });
    expect(await metric('sluice_on_failure_delivered_events_total', k)).toBe(1);
  });

  it('STR-21 STR-22 STR-25 ReportBatchItemFailures rewinds to the lowest failed sequence number', async () => {
    const k: Key = 'partial';
    await waitDelivered(k, 'p9');
    const invs = invocations(fn(k));
    expect(invs.map(ids)).toEqual([
      ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'],
      // Everything from p4 on, including p5, p6, p8, p9 that had succeeded: a rewind, not a set difference.
      ['p4', 'p5', 'p6', 'p7', 'p8', 'p9'],
    ]);
    expect(invs.map((i) => i.outcome)).toEqual(['partial', 'ok']);
    expect(await metric('sluice_stream_retries_total', k)).toBe(1);
  });

  it('STR-23 STR-24 D-1 an itemIdentifier not in the batch fails the whole batch', async () => {
    const k: Key = 'bogus';
    const [record] = await waitMessages(k, 1);
    expect(invocations(fn(k)).map(ids)).toEqual([['b0', 'b1', 'b2']]);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      // The function returned normally (its response was invalid): functionError is there, null.
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: null },
      KinesisBatchInfo: { startSequenceNumber: seqOf(k, 'b0'), endSequenceNumber: seqOf(k, 'b2'), batchSize: 3 },
    });
  });

  it('STR-26 without ReportBatchItemFailures a partial response is a success', async () => {
    const k: Key = 'ignored';
    await putKinesis(kinesis, stream[k], [{ id: 'q2' }]);
    await waitDelivered(k, 'q2');
    expect(invocations(fn(k)).map(ids)).toEqual([['q0', 'q1'], ['q2']]);
  });

  it('STR-42 STR-43 records the filter rejects are skipped and the shard moves past them', async () => {
    const k: Key = 'filter';
    await putKinesis(kinesis, stream[k], [{ id: 'f10', keep: true }]);
    await waitDelivered(k, 'f10');
    expect(deliveredIds(k)).toEqual(['f0', 'f2', 'f4', 'f6', 'f8', 'f10']);
    expect(await metric('sluice_filtered_out_events_total', k)).toBe(5);
    expect(await metric('sluice_polled_events_total', k)).toBe(11);
  });

  it('STR-6 STR-10 D-2 ParallelizationFactor lanes: a poison record blocks only its lane; per-key order holds; shard state and retries in /metrics', async () => {
    const k: Key = 'lanes';
    const keys = Array.from({ length: 8 }, (_v, i) => `key-${i}`);
    const bad = 'key-3';
    const lane = (pk: string) => laneOf(pk, 4);
    expect(new Set(keys.map(lane)).size).toBeGreaterThan(1);
    // The poison record goes first, so everything else of its lane is queued behind it.
    const recs: Rec[] = [{ id: `${bad}/0`, pk: bad, poison: 1 }];
    for (let n = 0; n < 3; n++)
      for (const pk of keys) if (!(pk === bad && n === 0)) recs.push({ id: `${pk}/${n}`, pk, sleepMs: 50 });
    puts[k] = await putKinesis(kinesis, stream[k], recs);
    const free = recs.filter((r) => lane(r.pk!) !== lane(bad));
    await waitFor('every record of the other lanes', () =>
      free.every((r) => deliveredIds(k).includes(r.id)) ? true : undefined,
    );
    await waitFor('the poison record retried', () =>
      invocations(fn(k)).filter((i) => i.outcome === 'poison').length >= 3 ? true : undefined,
    );
    // Nothing of the poison record's lane succeeded; the other lanes did not wait for it.
    expect(deliveredIds(k).filter((id) => lane(id.split('/')[0]!) === lane(bad))).toEqual([]);
    for (const pk of keys) {
      const order = deliveredIds(k).filter((id) => id.startsWith(`${pk}/`));
      expect(order).toEqual([...order].sort());
    }
    // Lanes ran at the same time.
    const invs = invocations(fn(k)).filter((i) => i.outcome === 'ok');
    expect(invs.some((a) => invs.some((b) => a !== b && a.start < b.end && b.start < a.end))).toBe(true);
    expect(await metric('sluice_shard_state', k, { state: 'retrying' })).toBe(1);
    expect(await metric('sluice_shard_state', k, { state: 'running' })).toBe(0);
    expect(await metric('sluice_stream_retries_total', k)).toBeGreaterThanOrEqual(2);
  });

  it('STR-40 a shard split while the mapping runs: children start only after the parent is finished', async () => {
    const k: Key = 'split';
    const parent = await putKinesis(
      kinesis,
      stream[k],
      Array.from({ length: 6 }, (_v, i) => ({ id: `p${i}`, pk: `k${i}`, sleepMs: 150 })),
    );
    await waitFor('first parent batch', () => (invocations(fn(k)).length > 0 ? true : undefined));
    await splitShard(kinesis, stream[k], parent[0]!.shardId);
    const children = await putKinesis(
      kinesis,
      stream[k],
      Array.from({ length: 6 }, (_v, i) => ({ id: `c${i}`, pk: `k${i}` })),
    );
    expect(children.every((c) => c.shardId !== parent[0]!.shardId)).toBe(true);
    await waitFor('12 records', () => (deliveredIds(k).length >= 12 ? true : undefined));
    const invs = invocations(fn(k));
    const parentInvs = invs.filter((i) => i.records[0]?.id.startsWith('p'));
    const childInvs = invs.filter((i) => i.records[0]?.id.startsWith('c'));
    expect(parentInvs.flatMap(ids)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(childInvs.flatMap(ids).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(Math.min(...childInvs.map((i) => i.start))).toBeGreaterThanOrEqual(
      Math.max(...parentInvs.map((i) => i.end)),
    );
  });

  it('STR-40 a merge while the mapping runs: the child starts only after both parents are finished', async () => {
    const k: Key = 'merge';
    const parents = await putKinesis(
      kinesis,
      stream[k],
      Array.from({ length: 8 }, (_v, i) => ({ id: `p${i}`, pk: `k${i}`, sleepMs: 100 })),
    );
    const [a, b] = [...new Set(parents.map((p) => p.shardId))].sort();
    expect(b).toBeDefined();
    await waitFor('first parent batch', () => (invocations(fn(k)).length > 0 ? true : undefined));
    await mergeShards(kinesis, stream[k], a!, b!);
    const child = await putKinesis(
      kinesis,
      stream[k],
      Array.from({ length: 4 }, (_v, i) => ({ id: `c${i}`, pk: `k${i}` })),
    );
    expect(child.every((c) => c.shardId !== a && c.shardId !== b)).toBe(true);
    await waitFor('12 records', () => (deliveredIds(k).length >= 12 ? true : undefined));
    const invs = invocations(fn(k));
    const parentInvs = invs.filter((i) => i.records[0]?.id.startsWith('p'));
    const childInvs = invs.filter((i) => i.records[0]?.id.startsWith('c'));
    expect(childInvs.flatMap(ids)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(Math.min(...childInvs.map((i) => i.start))).toBeGreaterThanOrEqual(
      Math.max(...parentInvs.map((i) => i.end)),
    );
  });

  it('STR-31 STR-32 STR-33 STR-34 tumbling windows carry state between invokes and end with a final invoke', async () => {
    const k: Key = 'window';
    await putKinesis(
      kinesis,
      stream[k],
      Array.from({ length: 5 }, (_v, i) => ({ id: `w${i}` })),
    );
    await waitFor('first window opened', () => (invocations(fn(k)).length > 0 ? true : undefined));
    // A record of a later window closes the open one (STR-31); idle windows close after 2 minutes (STR-36).
    await new Promise((r) => setTimeout(r, 1100));
    await putKinesis(kinesis, stream[k], [{ id: 'w5' }]);
    await waitFor('w5 in its own window', () =>
      invocations(fn(k)).some((i) => i.records.some((r) => r.id === 'w5')) ? true : undefined,
    );
    type WindowLine = Invocation & {
      window: { start: string; end: string };
      final: boolean;
      terminatedEarly: boolean;
      shardId: string;
      eventSourceARN: string;
      stateIn: { ids?: string[] };
    };
    const lines = invocations(fn(k)) as WindowLine[];
    const before = lines.slice(
      0,
      lines.findIndex((l) => l.records.some((r) => r.id === 'w5')),
    );
    const windows = [...new Set(before.map((l) => l.window.start))];
    const firstIds: string[] = [];
    for (const w of windows) {
      const inW = before.filter((l) => l.window.start === w);
      const regular = inW.filter((l) => !l.final);
      const finals = inW.filter((l) => l.final);
      expect(finals).toHaveLength(1);
      expect(inW.at(-1)).toBe(finals[0]);
      const windowIds = regular.flatMap(ids);
      // Each invoke gets the state the previous one returned (STR-32, STR-33); the final one gets it all, no records.
      let so: string[] = [];
      for (const l of regular) {
        expect(l.stateIn.ids ?? []).toEqual(so);
        so = [...so, ...ids(l)];
      }
      expect(finals[0]!.records).toEqual([]);
      expect(finals[0]!.stateIn.ids).toEqual(windowIds);
      expect(Date.parse(inW[0]!.window.end) - Date.parse(w)).toBe(1000);
      expect(inW[0]).toMatchObject({
        shardId: expect.stringMatching(/^shardId-/) as unknown,
        eventSourceARN: kinesisArn(stream[k]),
        terminatedEarly: false,
      });
      firstIds.push(...windowIds);
    }
    expect(firstIds).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
  });

  it('STR-12 throttles never use MaximumRetryAttempts: the batch is retried, not discarded', async () => {
    const k: Key = 'throttle';
    await waitFor('5 throttles', async () => ((await metric('sluice_throttles_total', k)) >= 5 ? true : undefined));
    expect(await drainQueue(sqs, queueUrl[k] ?? '')).toEqual([]);
    expect(invocations(fn(k))).toEqual([]);
    expect(await metric('sluice_stream_retries_total', k)).toBeGreaterThanOrEqual(5);
    expect(await metric('sluice_shard_state', k, { state: 'retrying' })).toBe(1);
  });

  it('STR-30 (decision) an unreachable on-failure destination blocks the shard until it accepts the record', async () => {
    const k: Key = 'destdown';
    puts[k] = await putKinesis(kinesis, stream[k], [{ id: 'd0', fail: 99 }, { id: 'd1' }]);
    await waitFor('delivery failures', async () =>
      (await metricValue(svc.url, 'sluice_destination_delivery_failures_total', { function: fn(k) })) >= 2
        ? true
        : undefined,
    );
    expect(await metric('sluice_shard_state', k, { state: 'blocked' })).toBe(1);
    expect(deliveredIds(k)).toEqual([]);
    queueUrl[k] = await createQueue(sqs, queue[k]);
    const [record] = await waitMessages(k, 1);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      KinesisBatchInfo: { startSequenceNumber: seqOf(k, 'd0'), batchSize: 1 },
    });
    await waitDelivered(k, 'd1');
    expect(await metric('sluice_shard_state', k, { state: 'blocked' })).toBe(0);
    expect(await metric('sluice_dropped_events_total', k)).toBe(0);
  });
});
