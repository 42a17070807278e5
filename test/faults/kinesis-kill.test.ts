// Scenario g: a Kinesis stream mapping under steady load, with stream checkpoints in Redis; sluice is SIGKILLed
// and restarted. The restarted process resumes after its last checkpoint (never from StartingPosition): with
// TRIM_HORIZON or LATEST nothing is lost; records in flight at the kill are delivered again (duplicates).
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterEach, expect, it } from 'vitest';
import { createStream } from '../integration/kinesis/kinesalite.js';
import { closeClients, kinesisClient, servers, uniqueName } from '../services/inject.js';
import {
  ACCOUNT,
  CREDENTIALS,
  FAULT_FIXTURES,
  REGION,
  Sluice,
  audit,
  readRecords,
  recordLog,
  steadyLoad,
  until,
} from './harness.js';

let sluice: Sluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  sluice = undefined;
  await closeClients();
});

async function killDuringLoad(startingPosition: 'TRIM_HORIZON' | 'LATEST') {
  const kinesis = kinesisClient();
  const streamName = uniqueName('faults-kkill');
  await createStream(kinesis, streamName, 2);
  const log = recordLog();
  sluice = await Sluice.start({
    // Checkpoints in Redis survive the SIGKILL, so a restart resumes from them instead of StartingPosition.
    state: { type: 'redis', connection: 'redis' },
    connections: {
      kinesis: { type: 'kinesis', endpoint: servers().kinesis.endpoint, region: REGION, credentials: CREDENTIALS },
      redis: { type: 'redis', url: servers().redis.url },
    },
    // A short lease so the restarted process (a new lease owner) takes the shards over quickly.
    tuning: { streamPollIntervalMs: 200, streamLeaseTtlSeconds: 5 },
    functions: {
      naive: {
        Handler: 'handlers.kinesisNaive',
        CodeUri: FAULT_FIXTURES,
        Environment: { Variables: { FAULTS_LOG: log } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'naive',
        EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${streamName}`,
        Connection: 'kinesis',
        StartingPosition: startingPosition,
        BatchSize: 10,
      },
    ],
  });
  const produced: string[] = [];
  const load = steadyLoad(30, 150, async (i) => {
    const out = await kinesis.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify({ i })) }),
    );
    produced.push(out.SequenceNumber!);
  });
  await until(() => (readRecords(log).length >= 40 ? true : undefined), 30_000, 'first records handled');
  const killedPid = sluice.pid;
  const faultAtMs = Date.now();
  await sluice.kill();
  await sluice.restart();
  await load;
  const settledAtMs = await until(
    () => {
      const handled = new Set(readRecords(log).map((h) => h.id));
      return produced.every((s) => handled.has(s)) ? Date.now() : undefined;
    },
    20_000,
    'every record handled',
  ).catch(() => undefined); // the audit below names what is missing
  return audit({
    scenario: `g. Kinesis: SIGKILL sluice under load, restart (${startingPosition})`,
    produced,
    handled: readRecords(log),
    faultAtMs,
    killedPid,
    settledAtMs,
    note: '2 shards; 30 rec/s; checkpoints in Redis, lease TTL 5 s: restart resumes after the checkpoint',
  });
}

it('nothing lost (DESIGN principle 3): SIGKILL and restart with TRIM_HORIZON: the stream is re-read, nothing lost', async () => {
  const row = await killDuringLoad('TRIM_HORIZON');
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
});

// Regression: a shard with no checkpoint yet at the kill used to be reopened at LATEST and skip what arrived while
// sluice was down. LATEST is now pinned to the mapping's first start time, kept in Redis (src/app/mappings.ts).
it('nothing lost: SIGKILL before the first checkpoint of a shard, with LATEST, resumes from the pinned start', async () => {
  const row = await killDuringLoad('LATEST');
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
});
