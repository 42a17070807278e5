// Scenario d: poison records on a Kinesis stream mapping. A naive handler throws on data that is not JSON and
// on records marked "poison". With BisectBatchOnFunctionError (STR-17) and MaximumRetryAttempts 1 (STR-14),
// the failing records are isolated and their batch info goes to the OnFailure SQS queue (STR-27); every other
// record is processed. The audit maps the failure records' sequence-number ranges back to the produced records.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, expect, it } from 'vitest';
import { createStream } from '../integration/kinesis/kinesalite.js';
import { closeClients, kinesisClient, servers, sqsClient, uniqueName } from '../services/inject.js';
import {
  ACCOUNT,
  CREDENTIALS,
  FAULT_FIXTURES,
  REGION,
  Sluice,
  audit,
  createQueue,
  drainQueue,
  readRecords,
  recordLog,
  sqsConnections,
  steadyLoad,
  until,
} from './harness.js';

interface BatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
  await closeClients();
});

it('STR-14/STR-17/STR-27 non-JSON and poison records: bisected, then processed or in OnFailure (lost = 0)', async () => {
  const kinesis = kinesisClient();
  const sqs = sqsClient();
  const streamName = uniqueName('faults-poison');
  await createStream(kinesis, streamName, 2);
  const onFailure = await createQueue(sqs, uniqueName('faults-poison-fail'));
  const log = recordLog();
  sluice = await Sluice.start({
    connections: sqsConnections(servers().sqs.endpoint, {
      kinesis: { type: 'kinesis', endpoint: servers().kinesis.endpoint, region: REGION, credentials: CREDENTIALS },
    }),
    tuning: { streamPollIntervalMs: 200, throttleBackoffSeconds: { base: 0.2, max: 2 } },
    functions: {
      naive: {
        Handler: 'handlers.kinesisNaive',
        CodeUri: FAULT_FIXTURES,
        Timeout: 5,
        Environment: { Variables: { FAULTS_LOG: log } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'naive',
        EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${streamName}`,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        MaximumRetryAttempts: 1,
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: onFailure.arn } },
      },
    ],
  });

  // Each produced record is known by its sequence number, per shard.
  const produced = new Map<string, { shardId: string; kind: string }>();
  const startedAtMs = Date.now();
  await steadyLoad(30, 150, async (i) => {
    const kind = i % 20 === 7 ? 'not-json' : i % 25 === 11 ? 'poison' : 'ok';
    const data = kind === 'not-json' ? `not json {${i}` : JSON.stringify({ i, kind });
    const out = await kinesis.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${i}`, Data: Buffer.from(data) }),
    );
    produced.set(out.SequenceNumber!, { shardId: out.ShardId!, kind });
  });

  const ranges: BatchInfo[] = [];
  const inRanges = (seq: string, shardId: string) =>
    ranges.some(
      (r) =>
        r.shardId === shardId &&
        BigInt(r.startSequenceNumber) <= BigInt(seq) &&
        BigInt(seq) <= BigInt(r.endSequenceNumber),
    );
  const accounted = () => {
    const handled = new Set(readRecords(log).map((h) => h.id));
    return [...produced].every(([seq, p]) => handled.has(seq) || inRanges(seq, p.shardId));
  };
  const settledAtMs = await until(
    async () => {
      for (const b of await drainQueue(sqs, onFailure)) {
        ranges.push((JSON.parse(b) as { KinesisBatchInfo: BatchInfo }).KinesisBatchInfo);
      }
      return accounted() ? Date.now() : undefined;
    },
    60_000,
    'every record processed or in OnFailure',
  ).catch(() => undefined); // the audit below names what is missing

  const handled = readRecords(log);
  const inDestination = [...produced].filter(([seq, p]) => inRanges(seq, p.shardId)).map(([seq]) => seq);
  const row = audit({
    scenario: 'd. Kinesis poison records (non-JSON, throw), bisect',
    produced: produced.keys(),
    handled,
    inDestination,
    startedAtMs,
    settledAtMs,
    note: `2 shards; MaximumRetryAttempts 1; ${ranges.length} failure records`,
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  // Poison never counts as processed; each one is in a failure range.
  const handledIds = new Set(handled.map((h) => h.id));
  for (const [seq, p] of produced) if (p.kind !== 'ok') expect(handledIds.has(seq), seq).toBe(false);
});
