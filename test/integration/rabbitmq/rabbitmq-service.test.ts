// RabbitMQ mappings run by the built service (npm run build first) on the shared broker: one service, one queue
// and mapping per rule, the fixture handler of test/fixtures/rabbitmq writing every invocation to a file.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Channel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { closeClients, uniqueName } from '../../services/inject.js';
import { BROKER_ARN, channel, depth, rabbitmqUrl } from './kit.js';

interface Invocation {
  start: number;
  end: number;
  fail: boolean;
  event: { eventSource: string; eventSourceArn: string; rmqMessagesByQueue: Record<string, Message[]> };
}
interface Message {
  basicProperties: Record<string, unknown>;
  redelivered: boolean;
  data: string;
}

const FIXTURES = path.resolve('test/fixtures/rabbitmq');
const dir = mkdtempSync(path.join(tmpdir(), 'sluice-rmq-'));
const out = (name: string) => path.join(dir, `${name}.jsonl`);
const q = {
  shape: uniqueName('rmq-shape'),
  batch: uniqueName('rmq-batch'),
  retry: uniqueName('rmq-retry'),
  limit: uniqueName('rmq-limit'),
  big: uniqueName('rmq-big'),
  filter: uniqueName('rmq-filter'),
};
const dlq = { limit: `${q.limit}-dlq`, big: `${q.big}-dlq` };

function invocations(name: string): Invocation[] {
  const file = out(name);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Invocation);
}
const messages = (i: Invocation): Message[] => Object.values(i.event.rmqMessagesByQueue).flat();
const bodies = (i: Invocation): string[] => messages(i).map((m) => Buffer.from(m.data, 'base64').toString('utf8'));
/** Waits until a condition on the handler's output holds. */
const until = (cond: () => boolean, ms = 15_000) => eventually(() => Promise.resolve(cond() ? true : undefined), ms);
const fn = (name: string, workMs = 0) => ({
  Runtime: 'nodejs',
  Handler: 'handlers.rmq',
  CodeUri: FIXTURES,
  Timeout: 30,
  Environment: { Variables: { OUT_FILE: out(name), WORK_MS: String(workMs) } },
});

let svc: Service | undefined;
let ch: Channel;
beforeAll(async () => {
  ch = await channel();
  for (const name of [q.shape, q.batch, q.retry, q.filter, dlq.limit, dlq.big]) await ch.assertQueue(name);
  // RMQ-18: a quorum queue's delivery-limit dead-letters a message returned too often; RMQ-19: the DLX keeps a reject.
  await ch.assertQueue(q.limit, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 },
    deadLetterExchange: '',
    deadLetterRoutingKey: dlq.limit,
  });
  await ch.assertQueue(q.big, { deadLetterExchange: '', deadLetterRoutingKey: dlq.big });
  const mapping = (name: keyof typeof q, extra: object = {}) => ({
    FunctionName: name,
    EventSourceArn: BROKER_ARN,
    Queues: [q[name]],
    SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: '/' }],
    ...extra,
  });
  svc = await startService({
    connections: { rabbitmq: { type: 'rabbitmq', url: rabbitmqUrl() } },
    functions: {
      shape: fn('shape'),
      batch: fn('batch', 50),
      retry: fn('retry'),
      limit: fn('limit'),
      big: fn('big'),
      filter: fn('filter'),
    },
    eventSourceMappings: [
      mapping('shape'),
      mapping('batch', { BatchSize: 25, MaximumBatchingWindowInSeconds: 1 }),
      mapping('retry', { BatchSize: 5 }),
      mapping('limit'),
      mapping('big'),
      mapping('filter', { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ['work'] } }) }] } }),
    ],
  });
}, 60_000);
afterAll(async () => {
  expect(await svc?.stop()).toBe(0);
  await closeClients();
});

describe('RabbitMQ mappings through the service', () => {
  it('RMQ-1..6 the function gets the rmq event of a message with properties and headers', async () => {
    ch.sendToQueue(q.shape, Buffer.from('{"orderId":"42"}'), {
      contentType: 'application/json',
      headers: { tenant: 'acme', attempt: 3 },
      timestamp: 2021,
      messageId: 'm-42',
      persistent: true,
    });
    const [inv] = await eventually(async () =>
      Promise.resolve(invocations('shape').length > 0 ? invocations('shape') : undefined),
    );
    expect(inv?.event).toEqual({
      eventSource: 'aws:rmq',
      eventSourceArn: BROKER_ARN,
      rmqMessagesByQueue: {
        [`${q.shape}::/`]: [
          {
            basicProperties: {
              contentType: 'application/json',
              contentEncoding: null,
              headers: { tenant: { bytes: [97, 99, 109, 101] }, attempt: 3 },
              deliveryMode: 2,
              priority: null,
              correlationId: null,
              replyTo: null,
              expiration: null,
              messageId: 'm-42',
              timestamp: 'Jan 1, 1970, 12:33:41 AM',
              type: null,
              userId: null,
              appId: null,
              clusterId: null,
              bodySize: 16,
            },
            redelivered: false,
            data: Buffer.from('{"orderId":"42"}').toString('base64'),
          },
        ],
      },
    });
    await eventually(async () => ((await depth(ch, q.shape)) === 0 ? true : undefined));
  });

  it('RMQ-11 / RMQ-15 / RMQ-16 batches up to BatchSize, one at a time, and acks them all', async () => {
    const n = 120;
    for (let i = 0; i < n; i++) ch.sendToQueue(q.batch, Buffer.from(`m${i}`));
    await until(() => invocations('batch').flatMap(bodies).length >= n, 30_000);
    const invs = invocations('batch');
    const sizes = invs.map((i) => messages(i).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(25);
    expect(sizes.filter((s) => s > 1).length).toBeGreaterThan(0); // the window gathers more than one
    expect(new Set(invs.flatMap(bodies))).toEqual(new Set(Array.from({ length: n }, (_, i) => `m${i}`)));
    // RMQ-15: concurrency 1, so no two invocations overlap.
    const byStart = [...invs].sort((a, b) => a.start - b.start);
    for (let i = 1; i < byStart.length; i++) expect(byStart[i]!.start).toBeGreaterThanOrEqual(byStart[i - 1]!.end);
    await eventually(async () => ((await depth(ch, q.batch)) === 0 ? true : undefined));
  });

  it('RMQ-17 / DA-2 a function error retries the whole batch, redelivered: true', async () => {
    const sent = ['a', 'b', JSON.stringify({ fail: 'once' }), 'c', 'd'];
    for (const b of sent) ch.sendToQueue(q.retry, Buffer.from(b));
    await until(() => invocations('retry').some((i) => !i.fail), 30_000);
    const invs = invocations('retry');
    const failed = invs.filter((i) => i.fail);
    const ok = invs.filter((i) => !i.fail);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]!.event).toBeDefined();
    // Every message of the failed batch came again, flagged redelivered; the batch was not split.
    const failedBodies = failed.flatMap(bodies);
    expect(failedBodies).toContain(JSON.stringify({ fail: 'once' }));
    const redelivered = ok.flatMap(messages).filter((m) => m.redelivered);
    expect(redelivered.map((m) => Buffer.from(m.data, 'base64').toString()).sort()).toEqual(
      [...new Set(failedBodies)].sort(),
    );
    expect(new Set(ok.flatMap(bodies))).toEqual(new Set(sent));
    await eventually(async () => ((await depth(ch, q.retry)) === 0 ? true : undefined));
  });

  it('RMQ-18 / DA-2 the broker dead-letters a message past the quorum queue delivery-limit; sluice never does', async () => {
    ch.sendToQueue(q.limit, Buffer.from(JSON.stringify({ fail: 'always' })), { persistent: true });
    await eventually(async () => ((await depth(ch, dlq.limit)) === 1 ? true : undefined), 45_000);
    const attempts = invocations('limit');
    expect(attempts.length).toBe(3); // first delivery + delivery-limit 2 redeliveries
    expect(attempts.map((i) => messages(i)[0]!.redelivered)).toEqual([false, true, true]);
    const dead = await ch.get(dlq.limit, { noAck: true });
    expect(dead && (dead.properties.headers?.['x-first-death-reason'] as string)).toBe('delivery_limit');
  }, 60_000);

  it('RMQ-19 / DA-3 a message over 6 MB alone is rejected to the dead-letter exchange; the rest is delivered', async () => {
    ch.sendToQueue(q.big, Buffer.alloc(5 * 1024 * 1024, 'x')); // 6.7 MB in base64
    ch.sendToQueue(q.big, Buffer.from('small'));
    await eventually(async () => ((await depth(ch, dlq.big)) === 1 ? true : undefined), 30_000);
    await until(() => invocations('big').flatMap(bodies).includes('small'));
    expect(
      invocations('big')
        .flatMap(messages)
        .every((m) => m.basicProperties['bodySize'] === 5),
    ).toBe(true);
    const dead = await ch.get(dlq.big, { noAck: true });
    expect(dead && dead.content.length).toBe(5 * 1024 * 1024);
  });

  it('RMQ-21 filters on data (base64 JSON; a plain body skips the rule, FLT-10); filtered-out messages are acked at once', async () => {
    ch.sendToQueue(q.filter, Buffer.from(JSON.stringify({ kind: 'skip', n: 1 })));
    ch.sendToQueue(q.filter, Buffer.from(JSON.stringify({ kind: 'work', n: 2 })));
    ch.sendToQueue(q.filter, Buffer.from('plain text'));
    await until(() => invocations('filter').length > 0);
    await eventually(async () => ((await depth(ch, q.filter)) === 0 ? true : undefined));
    await until(() => invocations('filter').flatMap(bodies).length >= 2);
    expect(invocations('filter').flatMap(bodies).sort()).toEqual([
      'plain text',
      JSON.stringify({ kind: 'work', n: 2 }),
    ]);
  });
});
