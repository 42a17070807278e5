// Scenario f: the state broker restarts. The async queue lives in a PRIVATE redis-server (the shared one
// must not be restarted); under steady Invoke load that Redis is SIGKILLed and started again on the same
// port and data dir. While it is down, Invoke requests wait in ioredis' offline queue (a long outage turns
// them into 5xx, which the producer retries); afterwards every accepted event must reach OnSuccess or OnFailure. Attempts whose completion could not be written
// run again after their claim expires (60 s unless `tuning.asyncClaimTtlSeconds` exists): duplicates.
import { afterAll, expect, it } from 'vitest';
import { closeClients, servers, sqsClient, uniqueName } from '../services/inject.js';
import { asyncConfig, deliveries, submitEvent } from './async-kit.js';
import { Sluice, audit, createQueue, readRecords, recordLog, steadyLoad, tuningSupported, until } from './harness.js';
import { PrivateRedis } from './private-redis.js';

let sluice: Sluice | undefined;
let redis: PrivateRedis | undefined;
afterAll(async () => {
  await sluice?.stop();
  await redis?.stop();
  await closeClients();
});

it('ASY-8 Redis (async queue) crashes and restarts under load: every accepted event delivered (lost = 0)', async () => {
  const sqs = sqsClient();
  const onSuccess = await createQueue(sqs, uniqueName('faults-redis-ok'));
  const onFailure = await createQueue(sqs, uniqueName('faults-redis-fail'));
  redis = await PrivateRedis.start();
  const claimTtl = (await tuningSupported('asyncClaimTtlSeconds', 5)) ? { asyncClaimTtlSeconds: 5 } : {};
  const log = recordLog();
  sluice = await Sluice.start(
    asyncConfig({
      sqsEndpoint: servers().sqs.endpoint,
      redisUrl: redis.url,
      log,
      onSuccessArn: onSuccess.arn,
      onFailureArn: onFailure.arn,
      tuning: claimTtl,
    }),
  );

  const produced: string[] = [];
  let refused = 0;
  const outageMs = Number(process.env.FAULTS_REDIS_OUTAGE_MS ?? 10_000);
  const load = steadyLoad(20, 100, async (i) => {
    const id = `r${i}`;
    refused += await submitEvent(sluice!.url, 'worker', { id, kind: i % 10 === 3 ? 'fail' : 'ok' }, 90_000);
    produced.push(id);
  });
  await until(() => (readRecords(log).length >= 15 ? true : undefined), 30_000, 'first events handled');
  await redis.crash();
  await new Promise((r) => setTimeout(r, outageMs)); // an outage, not a blip
  await redis.up();
  const backAtMs = Date.now();
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

  const row = audit({
    scenario: 'f. async: Redis (state) SIGKILL + restart under load',
    produced,
    handled: readRecords(log),
    processedIds: delivered.ok,
    inDestination: delivered.failed,
    settledAtMs,
    faultAtMs: backAtMs,
    note: `private redis-server, AOF fsync always; ${outageMs / 1000} s outage; ${refused} submits refused and retried; recovery from Redis back up`,
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
}, 180_000);
