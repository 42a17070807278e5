// Scenario b: asynchronous invocation with the queue in Redis (state type redis). Events arrive over the
// Invoke API at a steady rate; sluice is SIGKILLed mid-invocation and restarted. Events it had claimed come
// back when their claim expires (the claim TTL, 60 s unless `tuning.asyncClaimTtlSeconds` exists in this
// build), so every accepted event must reach OnSuccess or OnFailure (ASY-8/ASY-9).
import { afterAll, expect, it } from 'vitest';
import { closeClients, redis, servers, sqsClient, uniqueName } from '../services/inject.js';
import { Sluice, audit, createQueue, readRecords, recordLog, steadyLoad, tuningSupported, until } from './harness.js';
import { asyncConfig, deliveries, dropAsyncKeys, freeRedisDb, submitEvent } from './async-kit.js';

let sluice: Sluice | undefined;
let db: number | undefined;
afterAll(async () => {
  await sluice?.stop();
  if (db !== undefined) await dropAsyncKeys(redis(), db);
  await closeClients();
});

it('ASY-8/ASY-9 SIGKILL mid-invocation, restart: every accepted event reaches OnSuccess or OnFailure (lost = 0)', async () => {
  const sqs = sqsClient();
  const onSuccess = await createQueue(sqs, uniqueName('faults-async-ok'));
  const onFailure = await createQueue(sqs, uniqueName('faults-async-fail'));
  // A Redis database nobody else uses: the async queue's keys are fixed (`{sluice:async}:*`) and the
  // Redis server is shared with other test runs.
  db = await freeRedisDb(redis());
  const claimTtl = (await tuningSupported('asyncClaimTtlSeconds', 5)) ? { asyncClaimTtlSeconds: 5 } : {};
  const log = recordLog();
  sluice = await Sluice.start(
    asyncConfig({
      sqsEndpoint: servers().sqs.endpoint,
      redisUrl: `${servers().redis.url}/${db}`,
      log,
      onSuccessArn: onSuccess.arn,
      onFailureArn: onFailure.arn,
      tuning: claimTtl,
    }),
  );

  const produced: string[] = [];
  const load = steadyLoad(20, 100, async (i) => {
    const id = `e${i}`;
    // Accepted (202) means sluice owns it; while sluice is down the producer retries the same id.
    await submitEvent(sluice!.url, 'worker', { id, kind: i % 10 === 3 ? 'fail' : 'ok' });
    produced.push(id);
  });
  await until(() => (readRecords(log).length >= 15 ? true : undefined), 30_000, 'first events handled');
  const killedPid = sluice.pid;
  const faultAtMs = Date.now();
  await sluice.kill();
  await sluice.restart();
  await load;

  const delivered = deliveries(sqs, onSuccess, onFailure);
  const settledAtMs = await until(
    async () => {
      await delivered.poll();
      return produced.every(delivered.has) ? Date.now() : undefined;
    },
    'asyncClaimTtlSeconds' in claimTtl ? 45_000 : 110_000,
    'every event in OnSuccess or OnFailure',
  ).catch(() => undefined); // the audit below names what is missing

  const handled = readRecords(log);
  const row = audit({
    scenario: 'b. async (Redis queue): SIGKILL mid-invocation, restart',
    produced,
    handled,
    processedIds: delivered.ok,
    inDestination: delivered.failed,
    settledAtMs,
    faultAtMs,
    killedPid,
    note: `20 ev/s; claim TTL ${'asyncClaimTtlSeconds' in claimTtl ? '5 s' : '60 s (default)'}`,
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
}, 180_000);
