// Async scenario helpers: a private Redis database on the shared server, and a producer that keeps
// retrying one event until sluice accepts it (202) — while sluice or Redis is down it gets errors.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import { FAULT_FIXTURES, drainQueue, sqsConnections, type Queue } from './harness.js';

/** An empty Redis database index (1..15), so the fixed async-queue keys do not meet another run's. */
export async function freeRedisDb(client: Redis): Promise<number> {
  const start = 1 + Math.floor(Math.random() * 15);
  for (let k = 0; k < 15; k++) {
    const db = 1 + ((start - 1 + k) % 15);
    await client.select(db);
    if ((await client.dbsize()) === 0) return db;
  }
  throw new Error('no empty Redis database in 1..15');
}

/** Removes the async queue's keys from that database again. */
export async function dropAsyncKeys(client: Redis, db: number): Promise<void> {
  await client.select(db);
  const keys = await client.keys('{sluice:async}:*');
  if (keys.length > 0) await client.del(...keys);
}

/** Returns how many attempts were refused (5xx or no answer) before the 202. */
export async function submitEvent(url: string, fn: string, event: object, giveUpMs = 60_000): Promise<number> {
  const deadline = Date.now() + giveUpMs;
  for (let refused = 0; ; refused++) {
    try {
      const res = await fetch(`${url}/2015-03-31/functions/${fn}/invocations`, {
        method: 'POST',
        headers: { 'X-Amz-Invocation-Type': 'Event' },
        body: JSON.stringify(event),
      });
      await res.arrayBuffer();
      if (res.status === 202) return refused;
      if (res.status < 500) throw new Error(`sluice refused the event: ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('sluice refused')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`event ${JSON.stringify(event)} not accepted in ${giveUpMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** sluice config: one async function recording each event, OnSuccess/OnFailure on SQS, queue in Redis. */
export function asyncConfig(o: {
  sqsEndpoint: string;
  redisUrl: string;
  log: string;
  onSuccessArn: string;
  onFailureArn: string;
  tuning?: object;
}) {
  return {
    connections: sqsConnections(o.sqsEndpoint, { redis: { type: 'redis', url: o.redisUrl } }),
    state: { type: 'redis', connection: 'redis' },
    tuning: { asyncRetryDelaysSeconds: [1, 1], ...o.tuning },
    functions: {
      worker: {
        Handler: 'handlers.asyncRecorder',
        CodeUri: FAULT_FIXTURES,
        Timeout: 5,
        Environment: { Variables: { FAULTS_LOG: o.log, FAULTS_WORK_MS: '300' } },
        EventInvokeConfig: {
          MaximumRetryAttempts: 1,
          DestinationConfig: {
            OnSuccess: { Destination: o.onSuccessArn },
            OnFailure: { Destination: o.onFailureArn },
          },
        },
      },
    },
  };
}

/** Collects the request ids that reached OnSuccess / OnFailure (draining both queues on each call). */
export function deliveries(sqs: SQSClient, onSuccess: Queue, onFailure: Queue) {
  const ok = new Set<string>();
  const failed = new Set<string>();
  const idOf = (body: string) => (JSON.parse(body) as { requestPayload: { id: string } }).requestPayload.id;
  return {
    ok,
    failed,
    async poll(): Promise<void> {
      // Recorded as received: a drain cut short by a broker crash keeps what it already deleted.
      await drainQueue(sqs, onSuccess, (b) => ok.add(idOf(b)));
      await drainQueue(sqs, onFailure, (b) => failed.add(idOf(b)));
    },
    has: (id: string) => ok.has(id) || failed.has(id),
  };
}
