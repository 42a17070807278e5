// Scenario k: a DynamoDB Streams mapping under steady load on the shared DynamoDB Local, checkpoints in Redis;
// sluice is SIGKILLed and restarted. The restart resumes after the last checkpoint; with LATEST, a shard without a
// checkpoint reopens at the mapping's pinned first start (DynamoDB has no timestamp iterator: sluice reads from
// TRIM_HORIZON and skips what was created before that second), so nothing written while sluice was down is lost.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, expect, it } from 'vitest';
import { createStreamTable } from '../services/clients.js';
import { closeClients, dynamoClient, servers, uniqueName } from '../services/inject.js';
import { CREDENTIALS, FAULT_FIXTURES, REGION, Sluice, audit, readRecords, recordLog } from './harness.js';
import { allHandled, handledAtLeast, startLoad } from './restart-kit.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await closeClients();
});

async function killDuringLoad(startingPosition: 'TRIM_HORIZON' | 'LATEST') {
  const ddb = dynamoClient();
  const table = uniqueName('faults-dkill');
  const streamArn = await createStreamTable(ddb, table);
  const log = recordLog();
  const sluice = await Sluice.start({
    state: { type: 'redis', connection: 'redis' },
    connections: {
      dynamodb: { type: 'dynamodb', endpoint: servers().dynamodb.endpoint, region: REGION, credentials: CREDENTIALS },
      redis: { type: 'redis', url: servers().redis.url },
    },
    // A short lease so the restarted process (a new lease owner) takes the shard over quickly.
    tuning: { streamPollIntervalMs: 200, streamLeaseTtlSeconds: 5 },
    functions: {
      rec: {
        Handler: 'handlers.recorder',
        CodeUri: FAULT_FIXTURES,
        Timeout: 3,
        Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '50' } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'rec',
        EventSourceArn: streamArn,
        Connection: 'dynamodb',
        StartingPosition: startingPosition,
        BatchSize: 10,
      },
    ],
  });
  cleanups.push(() => sluice.stop());
  const plan = {
    count: 150,
    perSecond: 20,
    idPrefix: 'd',
    send: async (id: string) => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: id } } }));
    },
  };
  // LATEST starts after the mapping is up: wait until a first record is handled before the measured load.
  await startLoad({ ...plan, count: 1, idPrefix: 'warm' }).done;
  await handledAtLeast(log, 1, 60_000);
  const run = startLoad(plan);
  await handledAtLeast(log, 40);
  const killedPid = sluice.pid;
  const faultAtMs = Date.now();
  await sluice.kill();
  await sluice.restart();
  await run.done;
  const settledAtMs = await allHandled(log, run.produced, 60_000);
  const row = audit({
    scenario: `k. DynamoDB Streams: SIGKILL sluice under load, restart (${startingPosition})`,
    produced: run.produced,
    handled: readRecords(log),
    faultAtMs,
    killedPid,
    settledAtMs,
    note: '20 puts/s; checkpoints in Redis, lease TTL 5 s: restart resumes after the checkpoint',
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect(await sluice.stop(45_000)).toBe(0);
}

it('nothing lost: DynamoDB Streams, SIGKILL and restart with TRIM_HORIZON', async () => {
  await killDuringLoad('TRIM_HORIZON');
});

it('nothing lost: DynamoDB Streams, SIGKILL and restart with LATEST (start pinned to the first start)', async () => {
  await killDuringLoad('LATEST');
});
