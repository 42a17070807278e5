// More Kinesis rules through the BUILT service on the shared kinesalite (ElasticMQ for the on-failure queue):
// bisect with ReportBatchItemFailures on (STR-18), the batching window after an invocation (P-13), concurrency of
// shards × ParallelizationFactor (STR-8) and tumbling-window state that is not an object (STR-39).
// kinesis-service.test.ts holds the others; docs/streams.md maps rules to tests. Build first: npm run build.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { laneOf } from '../../../src/core/esm/lane-hash.js';
import { startService, type Service } from '../../e2e/service.js';
import { closeClients, kinesisClient, sqsClient, uniqueName } from '../../services/inject.js';
import {
  createQueue,
  createStream,
  delivered,
  drainQueue,
  fixtureFunction,
  ids,
  invocations,
  kinesisArn,
  putKinesis,
  serviceConfig,
  sqsArn,
  waitFor,
  type Invocation,
  type Put,
  type TestRecord,
} from './kit.js';

type Rec = TestRecord & { pk?: string };

/** STR-8: 2 shards × ParallelizationFactor 3; five records for each (shard, lane), each with its own key. */
const LANES = 3;
/** Kinesis puts a key on the shard whose hash range holds md5(key); two even shards split at 2^127. */
const shardHalf = (pk: string) => (createHash('md5').update(pk).digest()[0]! < 0x80 ? 0 : 1);
const cellOf = (pk: string) => `${shardHalf(pk)}/${laneOf(pk, LANES)}`;
function concurrencyRecords(): Rec[] {
  const perCell = new Map<string, number>();
  const out: Rec[] = [];
  for (let i = 0; out.length < 2 * LANES * 5; i++) {
    const pk = `c-${i}`;
    const n = perCell.get(cellOf(pk)) ?? 0;
    if (n >= 5) continue;
    perCell.set(cellOf(pk), n + 1);
    out.push({ id: pk, pk, sleepMs: 400 });
  }
  return out;
}

const STATE_KINDS = ['array', 'number', 'string'] as const;

interface Case {
  shards: number;
  /** Put before the service starts, so the first read holds all of them. */
  records?: Rec[];
  mapping?: object;
  fn?: object;
  dlq?: boolean;
}

const CASES: Record<string, Case> = {
  bisectRbif: {
    shards: 1,
    records: Array.from({ length: 8 }, (_v, i): Rec => (i === 5 ? { id: `r${i}`, poison: 1 } : { id: `r${i}` })),
    mapping: {
      BatchSize: 8,
      MaximumRetryAttempts: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    },
    dlq: true,
  },
  window: {
    shards: 1,
    records: [{ id: 's0', sleepMs: 2500 }, { id: 's1' }, { id: 's2' }],
    mapping: { BatchSize: 2, MaximumBatchingWindowInSeconds: 1 },
  },
  concurrency: { shards: 2, records: concurrencyRecords(), mapping: { BatchSize: 1, ParallelizationFactor: LANES } },
  ...Object.fromEntries(
    STATE_KINDS.map((kind) => [
      `state-${kind}`,
      {
        shards: 1,
        mapping: { TumblingWindowInSeconds: 1, BatchSize: 2 },
        fn: { Handler: 'handlers.windowedScalar', STATE_KIND: kind },
      },
    ]),
  ),
};

let svc: Service;
let kinesis: KinesisClient;
let sqs: SQSClient;
const stream: Record<string, string> = {};
const queueUrl: Record<string, string> = {};
const puts: Record<string, Put[]> = {};
const fn = (k: string) => `kr-${k}`;

beforeAll(async () => {
  kinesis = kinesisClient();
  sqs = sqsClient();
  const functions: Record<string, object> = {};
  const mappings: object[] = [];
  for (const [k, c] of Object.entries(CASES)) {
    stream[k] = uniqueName(`kr-${k}`);
    await createStream(kinesis, stream[k], c.shards);
    puts[k] = c.records ? await putKinesis(kinesis, stream[k], c.records) : [];
    const queue = uniqueName(`kr-${k}-dlq`);
    if (c.dlq) queueUrl[k] = await createQueue(sqs, queue);
    const { STATE_KIND, ...fnExtra } = (c.fn ?? {}) as { STATE_KIND?: string };
    const base = fixtureFunction(fn(k)) as { Environment: { Variables: Record<string, string> } };
    functions[fn(k)] = {
      ...base,
      ...fnExtra,
      Environment: { Variables: { ...base.Environment.Variables, ...(STATE_KIND ? { STATE_KIND } : {}) } },
    };
    mappings.push({
      FunctionName: fn(k),
      EventSourceArn: kinesisArn(stream[k]),
      Connection: 'kinesis',
      StartingPosition: 'TRIM_HORIZON',
      ...(c.dlq ? { DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } } } : {}),
      ...c.mapping,
    });
  }
  svc = await startService({
    ...serviceConfig({ functions, mappings }),
    server: { port: 0, shutdownGraceSeconds: 5 },
    // STR-8 needs 6 environments of one function while other cases hold theirs: lift the default execution
    // environment budget (768 MB = 6 × 128 MB over all functions) so the rule, not the budget, sets concurrency.
    runtimes: { nodejs: { memoryBudgetMb: 4096 } },
  });
}, 120_000);

afterAll(async () => {
  const code = await svc?.stop();
  for (const name of Object.values(stream))
    await kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
  await closeClients();
  expect(code).toBe(0);
});

const deliveredIds = (k: string) => delivered(fn(k)).map((r) => r.id);
const seqOf = (k: string, id: string) => puts[k]?.find((p) => p.id === id)?.seq;

/** Most invocations running at the same moment, from the handler's own start/end times. */
function peakOverlap(invs: Invocation[]): number {
  const edges = invs.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // an end at the same ms as a start does not overlap it
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

describe('Kinesis rules through the built service', () => {
  it('STR-18 with ReportBatchItemFailures on, a function error still bisects the batch', async () => {
    const k = 'bisectRbif';
    const [record] = await waitFor('the on-failure record', async () => {
      const got = await drainQueue(sqs, queueUrl[k]!);
      return got.length > 0 ? got : undefined;
    });
    await waitFor('r7', () => (deliveredIds(k).includes('r7') ? true : undefined));
    // The same halves as with ReportBatchItemFailures off (kinesis-service STR-16): the thrown error is a function
    // error, not a partial response, so it splits the batch; only r5 is given up.
    expect(invocations(fn(k)).map(ids)).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5', 'r6', 'r7'],
      ['r4', 'r5'],
      ['r4'],
      ['r5'],
      ['r5'],
      ['r6', 'r7'],
    ]);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 5 },
      KinesisBatchInfo: { startSequenceNumber: seqOf(k, 'r5'), endSequenceNumber: seqOf(k, 'r5'), batchSize: 1 },
    });
  });

  it('P-13 the next batching window starts when the previous invocation finished', async () => {
    const k = 'window';
    await waitFor('s2', () => (deliveredIds(k).includes('s2') ? true : undefined));
    const invs = invocations(fn(k));
    // [s0, s1] is a full batch: no window. s2 was read with them and waited through the 2.5 s invocation, longer
    // than the 1 s window; timed from its arrival it would go at once, timed from the invocation's end 1 s later.
    expect(invs.map(ids)).toEqual([['s0', 's1'], ['s2']]);
    expect(invs[0]!.end - invs[0]!.start).toBeGreaterThanOrEqual(2500);
    expect(invs[1]!.start - invs[0]!.end).toBeGreaterThanOrEqual(950);
  });

  it('STR-8 concurrency is shards × ParallelizationFactor: 2 × 3 batches run at once, never more', async () => {
    const k = 'concurrency';
    const recs = CASES[k]!.records!;
    // Each key landed on the shard its md5 predicts, so every (shard, lane) has five records.
    const shards = [...new Set(puts[k]!.map((p) => p.shardId))].sort();
    expect(shards).toHaveLength(2);
    for (const p of puts[k]!) expect(shards.indexOf(p.shardId)).toBe(shardHalf(p.id));
    await waitFor('every record', () => (deliveredIds(k).length >= recs.length ? true : undefined), 60_000);
    expect(deliveredIds(k).sort()).toEqual(recs.map((r) => r.id).sort());
    expect(peakOverlap(invocations(fn(k)))).toBe(2 * LANES);
  });

  it.each(STATE_KINDS)('STR-39 tumbling-window state may be any JSON: %s state is carried unchanged', async (kind) => {
    const k = `state-${kind}`;
    await putKinesis(
      kinesis,
      stream[k]!,
      Array.from({ length: 5 }, (_v, i) => ({ id: `w${i}` })),
    );
    await waitFor('first window opened', () => (invocations(fn(k)).length > 0 ? true : undefined));
    // A record of a later window closes the open ones (STR-31); idle windows would wait 2 minutes (STR-36).
    await new Promise((r) => setTimeout(r, 1100));
    await putKinesis(kinesis, stream[k]!, [{ id: 'w5' }]);
    await waitFor('w5 in its own window', () =>
      invocations(fn(k)).some((l) => ids(l).includes('w5')) ? true : undefined,
    );
    type Line = Invocation & { window: { start: string }; final: boolean; stateIn: unknown };
    const lines = invocations(fn(k)) as Line[];
    const next = (state: unknown, add: string[]): unknown => {
      if (kind === 'array') return [...(Array.isArray(state) ? (state as string[]) : []), ...add];
      if (kind === 'number') return (typeof state === 'number' ? state : 0) + add.length;
      return [typeof state === 'string' ? state : '', ...add].filter((s) => s !== '').join(',');
    };
    const closed = [...new Set(lines.filter((l) => l.final).map((l) => l.window.start))];
    for (const w of closed) {
      const inW = lines.filter((l) => l.window.start === w);
      let state: unknown = {}; // a window starts with an empty object (STR-32)
      for (const l of inW.filter((x) => !x.final)) {
        expect(l.stateIn).toEqual(state);
        state = next(state, ids(l));
      }
      expect(inW.filter((l) => l.final).map((l) => l.stateIn)).toEqual([state]);
    }
    // Every window before w5's closed with a final invoke, and no invocation failed over its state.
    const inClosed = lines.filter((l) => closed.includes(l.window.start));
    expect(inClosed.flatMap(ids).sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
  });
});
