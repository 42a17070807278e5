// Three service processes on one 4-shard Kinesis stream with `state: {type: "redis"}`; one is killed with SIGKILL
// while records keep arriving. Every record must end up processed (by some process) or in the on-failure queue;
// duplicates are counted and printed. With stream checkpoints and leases in Redis the processes split the shards
// (KCL-style leases) and a dead process's shards move once its leases expire; with the memory store (today's
// src/app/state.ts) every process reads every shard, so duplicates are the rule — the test reports which it saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients, kinesisClient, sqsClient, uniqueName } from '../../services/inject.js';
import {
  createQueue,
  createStream,
  drainQueue,
  fixtureFunction,
  invocations,
  kinesisArn,
  outFile,
  putKinesis,
  redisStreamStateIsShared,
  serviceConfig,
  sqsArn,
  waitFor,
  type Put,
  type TestRecord,
} from './kit.js';

const FN = 'kin-crash';
const TOTAL = 400;
const CHUNK = 50;
const POISON = new Set(['c57', 'c170', 'c288', 'c333']);

let kinesis: KinesisClient;
let sqs: SQSClient;
let stream: string;
const services: Service[] = [];

beforeAll(() => {
  kinesis = kinesisClient();
  sqs = sqsClient();
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  if (stream) await kinesis.send(new DeleteStreamCommand({ StreamName: stream })).catch(() => undefined);
  await closeClients();
});

interface BatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

describe('three processes, one killed with SIGKILL', () => {
  it('STR-9 STR-14 every record is processed or in the on-failure queue after a SIGKILL mid-stream (duplicates reported)', async () => {
    stream = uniqueName('str-crash');
    await createStream(kinesis, stream, 4);
    const queue = uniqueName('str-crash-dlq');
    const url = await createQueue(sqs, queue);
    const config = (n: number) =>
      serviceConfig({
        state: { type: 'redis', connection: 'redis' },
        functions: {
          [FN]: { ...fixtureFunction(FN), Environment: { Variables: { OUT: outFile(`${FN}-${n}`) } } },
        },
        mappings: [
          {
            FunctionName: FN,
            EventSourceArn: kinesisArn(stream),
            Connection: 'kinesis',
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 10,
            BisectBatchOnFunctionError: true,
            MaximumRetryAttempts: 1,
            DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } },
          },
        ],
      });
    for (let n = 0; n < 3; n++) services.push(await startService(config(n)));
    // Shards each process works on, from its shard-state gauge (running + retrying + blocked).
    const owned = (svc: Service) => metricValue(svc.url, 'sluice_shard_state', { function: FN });
    // With shared leases the first process takes every shard and sheds some once it sees the others (every
    // lease ttl/3 = 10 s); wait for that, so the victim really holds shards when it dies.
    const ownedAtStart = await waitFor(
      'every process working on a shard',
      async () => {
        const counts = await Promise.all(services.map(owned));
        return counts.every((c) => c >= 1) ? counts : undefined;
      },
      60_000,
    );

    const records: Array<TestRecord & { pk: string }> = Array.from({ length: TOTAL }, (_v, i) => {
      const id = `c${i}`;
      return POISON.has(id) ? { id, pk: `key-${i}`, poison: 1 } : { id, pk: `key-${i}`, sleepMs: 3 };
    });
    const puts: Put[] = [];
    const okIds = () =>
      [0, 1, 2]
        .flatMap((n) => invocations(`${FN}-${n}`).filter((i) => i.outcome === 'ok'))
        .flatMap((i) => i.records.map((r) => r.id));
    const dlq: BatchInfo[] = [];
    const victim = services[1]!;
    let victimShards = 0;
    for (let i = 0; i < TOTAL; i += CHUNK) {
      puts.push(...(await putKinesis(kinesis, stream, records.slice(i, i + CHUNK))));
      if (i === 2 * CHUNK) {
        // Mid-stream: some records done, more on the way, batches in flight.
        await waitFor('a quarter processed', () => (new Set(okIds()).size >= TOTAL / 4 ? true : undefined));
        victimShards = await owned(victim);
        victim.child.kill('SIGKILL');
      }
    }
    const covered = (p: Put) =>
      dlq.some(
        (b) =>
          b.shardId === p.shardId &&
          BigInt(b.startSequenceNumber) <= BigInt(p.seq) &&
          BigInt(p.seq) <= BigInt(b.endSequenceNumber),
      );
    const missing = () => {
      const ok = new Set(okIds());
      return puts.filter((p) => !ok.has(p.id) && !covered(p));
    };
    await waitFor(
      'every record processed or in the on-failure queue',
      async () => {
        for (const m of await drainQueue(sqs, url)) dlq.push((m as { KinesisBatchInfo: BatchInfo }).KinesisBatchInfo);
        return missing().length === 0 ? true : undefined;
      },
      100_000,
    );
    expect(victim.child.signalCode).toBe('SIGKILL');

    const counts = new Map<string, number>();
    for (const id of okIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
    const inDlq = puts.filter(covered);
    const dlqDuplicates = puts.reduce((n, p) => {
      const hits = dlq.filter(
        (b) =>
          b.shardId === p.shardId &&
          BigInt(b.startSequenceNumber) <= BigInt(p.seq) &&
          BigInt(p.seq) <= BigInt(b.endSequenceNumber),
      ).length;
      return n + Math.max(0, hits - 1);
    }, 0);
    const perProcess = [0, 1, 2].map((n) => invocations(`${FN}-${n}`).flatMap((i) => i.records).length);
    const shared = await redisStreamStateIsShared();
    console.info(
      JSON.stringify({
        test: 'three processes, SIGKILL',
        stateShared: shared,
        records: TOTAL,
        processedDistinct: counts.size,
        duplicateDeliveries: duplicates,
        inOnFailureQueue: inDlq.length,
        onFailureRecords: dlq.length,
        onFailureDuplicates: dlqDuplicates,
        shardsPerProcessAtStart: ownedAtStart,
        victimShardsWhenKilled: victimShards,
        recordsSeenPerProcess: perProcess,
        lost: missing().length,
      }),
    );
    expect(missing()).toEqual([]);
    expect(victimShards).toBeGreaterThanOrEqual(1);
    // Poison records never succeed: they can only be in the on-failure queue (bisect isolates them, D-3).
    for (const id of POISON) expect(counts.has(id)).toBe(false);
    for (const p of puts.filter((p) => POISON.has(p.id))) expect(covered(p)).toBe(true);
  }, 180_000);
});
