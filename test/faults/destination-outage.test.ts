// Scenario l: the async destinations' broker crashes. OnSuccess, OnFailure and the DLQ live on a PRIVATE ElasticMQ
// that is SIGKILLed for 17 s while events (half of them failing) arrive at 15/s. Every decided outcome must wait in
// the async queue and be delivered once the broker is back: 0 lost, and no event run again (ASY-10, ASY-13; DESIGN
// "Nothing lost"). Before the fix an undeliverable outcome was dropped after three sends (about 6 s): 64 of 150
// failed events were lost this way. Runs once with the memory async queue and once with the Redis one.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, expect, it } from 'vitest';
import { metricValue } from '../e2e/service.js';
import { makeSqsClient } from '../services/clients.js';
import { redis, servers, uniqueName } from '../services/inject.js';
import { asyncConfig, deliveries, dropAsyncKeys, freeRedisDb, submitEvent } from './async-kit.js';
import {
  Sluice,
  audit,
  createQueue,
  drainQueue,
  readRecords,
  recordLog,
  steadyLoad,
  until,
  type Queue,
} from './harness.js';
import { PrivateBroker } from './private-broker.js';

const OUTAGE_MS = Number(process.env.FAULTS_DESTINATION_OUTAGE_MS ?? 17_000);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** Drains the destination queues every 250 ms, so what the broker acknowledged is read before the crash. */
function keepDraining(sqs: SQSClient, onSuccess: Queue, onFailure: Queue, dlq: Queue) {
  const delivered = deliveries(sqs, onSuccess, onFailure);
  const dead = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await delivered.poll();
        await drainQueue(sqs, dlq, (b) => dead.add((JSON.parse(b) as { id: string }).id));
      } catch {
        // the broker is down
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    delivered,
    dead,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function outage(queueKind: 'memory' | 'redis'): Promise<void> {
  const broker = await PrivateBroker.start('elasticmq');
  cleanups.push(() => broker.down());
  const sqs = makeSqsClient(broker.address, { maxAttempts: 1 });
  cleanups.push(() => Promise.resolve(sqs.destroy()));
  const [onSuccess, onFailure, dlq] = await Promise.all(
    ['faults-dest-ok', 'faults-dest-fail', 'faults-dest-dlq'].map((n) => createQueue(sqs, uniqueName(n))),
  );
  let redisUrl = servers().redis.url;
  if (queueKind === 'redis') {
    const db = await freeRedisDb(redis());
    cleanups.push(() => dropAsyncKeys(redis(), db));
    redisUrl = `${redisUrl}/${db}`;
  }
  const log = recordLog();
  const base = asyncConfig({
    sqsEndpoint: broker.address,
    redisUrl,
    log,
    onSuccessArn: onSuccess!.arn,
    onFailureArn: onFailure!.arn,
  });
  const { state, ...withoutState } = base;
  const config = {
    ...(queueKind === 'redis' ? { ...withoutState, state } : withoutState),
    functions: { worker: { ...base.functions.worker, DeadLetterConfig: { TargetArn: dlq!.arn } } },
  };
  const sluice = await Sluice.start(config);
  cleanups.push(() => sluice.stop());
  const drain = keepDraining(sqs, onSuccess!, onFailure!, dlq!);
  cleanups.push(() => drain.stop());

  const produced: string[] = [];
  const failing = new Set<string>();
  const load = steadyLoad(15, 330, async (i) => {
    const id = `d${i}`;
    const kind = i % 2 === 1 ? 'fail' : 'ok';
    await submitEvent(sluice.url, 'worker', { id, kind });
    produced.push(id);
    if (kind === 'fail') failing.add(id);
  });
  await until(() => (readRecords(log).length >= 20 ? true : undefined), 30_000, 'first events handled');
  const faultAtMs = Date.now();
  await broker.crash();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await broker.up();
  await load;

  const settledAtMs = await until(
    () =>
      produced.every((id) => drain.delivered.has(id)) && [...failing].every((id) => drain.dead.has(id))
        ? Date.now()
        : undefined,
    120_000,
    'every outcome delivered',
  ).catch(() => undefined); // the audit below names what is missing
  await drain.stop();

  const failures = await metricValue(sluice.url, 'sluice_destination_delivery_failures_total', { function: 'worker' });
  const dlqErrors = await metricValue(sluice.url, 'sluice_dead_letter_errors_total', { function: 'worker' });
  const row = audit({
    scenario: `l. async destinations' ElasticMQ SIGKILLed (${queueKind} queue)`,
    produced,
    handled: readRecords(log),
    processedIds: drain.delivered.ok,
    inDestination: drain.delivered.failed,
    settledAtMs,
    faultAtMs,
    note:
      `15 ev/s, half failing; OnSuccess, OnFailure and DLQ on a private ElasticMQ down ${OUTAGE_MS / 1000} s; ` +
      `${failures} destination and ${dlqErrors} DLQ send failures counted while down`,
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect([...failing].filter((id) => !drain.dead.has(id))).toEqual([]);
  // Outcomes waited in the queue: no successful event ran twice.
  expect(row.duplicated).toBe(0);
  expect(failures).toBeGreaterThan(0);
  expect(dlqErrors).toBeGreaterThan(0);
  expect(await sluice.stop(45_000)).toBe(0);
}

it('ASY-10 ASY-13 destination broker SIGKILLed for 17 s under load, memory async queue: lost = 0, none re-run', async () => {
  await outage('memory');
}, 240_000);

it('ASY-10 ASY-13 destination broker SIGKILLed for 17 s under load, Redis async queue: lost = 0, none re-run', async () => {
  await outage('redis');
}, 240_000);
