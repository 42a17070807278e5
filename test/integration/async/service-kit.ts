// Shared pieces of the async service tests: the built service (test/e2e/service.ts) on the shared Redis and
// ElasticMQ, driven only through @aws-sdk/client-lambda, with results read from real SQS queues.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Redis } from 'ioredis';
import { servers, sqsClient, uniqueName } from '../../services/inject.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const FIXTURES = path.resolve('test/fixtures/async');

/**
 * The shared Redis, one database per test file: the async queue's keys are fixed (`{sluice:async}:*`), so a
 * database of its own keeps this file's services apart from other tests' services on the same server.
 */
export function redisUrl(db: number): string {
  return `${servers().redis.url}/${db}`;
}

/** Removes what an earlier, interrupted run may have left in this file's database. */
export async function resetAsyncQueue(db: number): Promise<void> {
  const r = new Redis(redisUrl(db));
  try {
    const keys = await r.keys('{sluice:async}:*');
    if (keys.length > 0) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}

export async function asyncQueueDepth(db: number): Promise<number> {
  const r = new Redis(redisUrl(db));
  try {
    return await r.hlen('{sluice:async}:events');
  } finally {
    r.disconnect();
  }
}

/** Service config with Redis state, the shared ElasticMQ as the `sqs` connection and small async timings. */
export function serviceConfig(db: number, functions: object, extra: Record<string, unknown> = {}): object {
  const { tuning, ...rest } = extra as { tuning?: object };
  return {
    state: { type: 'redis', connection: 'redis' },
    server: { port: 0, shutdownGraceSeconds: 2 },
    connections: {
      redis: { type: 'redis', url: redisUrl(db) },
      sqs: {
        type: 'sqs',
        endpoint: servers().sqs.endpoint,
        region: REGION,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      },
    },
    tuning: {
      asyncRetryDelaysSeconds: [1, 2],
      throttleBackoffSeconds: { base: 0.2, max: 1 },
      ...tuning,
    },
    functions,
    ...rest,
  };
}

export const fn = (extra: object = {}) => ({ Handler: 'handlers.work', CodeUri: FIXTURES, Timeout: 30, ...extra });

export function lambdaClient(url: string): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

export interface TestQueue {
  name: string;
  arn: string;
  url: string;
}

/** A fresh SQS queue; returns what a config or an assertion needs. */
export async function createQueue(prefix: string): Promise<TestQueue> {
  const name = uniqueName(prefix);
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
  return { name, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, url: QueueUrl! };
}

export async function deleteQueues(queues: TestQueue[]): Promise<void> {
  const c = sqsClient();
  await Promise.allSettled(queues.map((q) => c.send(new DeleteQueueCommand({ QueueUrl: q.url }))));
}

/** Everything received from one queue so far (messages are deleted once read). */
export class Inbox {
  readonly messages: Message[] = [];
  constructor(readonly queue: TestQueue) {}

  /** Reads what arrived within about one second. */
  async poll(): Promise<void> {
    const c = sqsClient();
    const got = await c.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const msgs = got.Messages ?? [];
    if (msgs.length === 0) return;
    this.messages.push(...msgs);
    await c.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queue.url,
        Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }

  records(): InvocationRecord[] {
    return this.messages.map((m) => JSON.parse(m.Body ?? 'null') as InvocationRecord);
  }

  /** Polls until `pick` finds what it wants among the records received so far. */
  async waitFor<T>(pick: (records: InvocationRecord[]) => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = pick(this.records());
      if (hit !== undefined) return hit;
      if (Date.now() > deadline)
        throw new Error(`${this.queue.name}: condition not met; got ${JSON.stringify(this.records())}`);
      await this.poll();
    }
  }

  /** The one record with this request id (waits for it). */
  byRequestId(requestId: string, timeoutMs?: number): Promise<InvocationRecord> {
    return this.waitFor((rs) => rs.find((r) => r.requestContext?.requestId === requestId), timeoutMs);
  }

  /** Waits `quietMs` more and returns every record with this request id (to check nothing else arrives). */
  async settle(quietMs: number): Promise<void> {
    const end = Date.now() + quietMs;
    while (Date.now() < end) await this.poll();
  }
}

export interface InvocationRecord {
  version: string;
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

/** A file the fixture handler appends one line per attempt to. */
export function attemptLog(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sluice-async-')), 'attempts.jsonl');
}

export interface Attempt {
  requestId: string;
  at: number;
  pid: number;
  tag?: string;
}

export function attempts(log: string): Attempt[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Attempt);
}

export const json = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));
