// The RabbitMQ queue source on the real broker, without the engine: event shape, ack, nack, reject, reconnect.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/ports/errors.js';
import { closeClients, uniqueName } from '../../services/inject.js';
import { RabbitmqQueueSource } from '../../../connectors/rabbitmq/source.js';
import { eventually } from '../../e2e/service.js';
import { BROKER_ARN, body, channel, depth, queue, rabbitmqUrl, receiveN, silentLogger, source } from './kit.js';

const sources: RabbitmqQueueSource[] = [];
const open = (...args: Parameters<typeof source>) => {
  const s = source(...args);
  sources.push(s);
  return s;
};
afterAll(async () => {
  await Promise.allSettled(sources.map((s) => s.close()));
  await closeClients();
});

describe('RabbitMQ queue source', () => {
  it('RMQ-1..7 / DA-1 builds the Lambda event: basicProperties with nulls, UTC date text, signed long-string bytes', async () => {
    const ch = await channel();
    const q = await queue(ch);
    ch.sendToQueue(q, Buffer.from('{"orderId":"42","qty":1}'), {
      contentType: 'application/json',
      headers: {
        tenant: 'acme',
        attempt: 3,
        flag: true,
        nested: { café: 'é' },
        list: [1, 'a'],
        sentAt: { '!': 'timestamp', value: 2021 },
        raw: Buffer.from([1, 255]),
      },
      deliveryMode: 2,
      priority: 4,
      expiration: '60000',
      messageId: 'm-42',
      timestamp: 1772615702, // Mar 4, 2026 09:15:02 UTC
      userId: 'guest',
      appId: 'app',
      type: 't',
      correlationId: 'c',
      replyTo: 'r',
    });
    ch.sendToQueue(q, Buffer.from('plain'));
    const s = open(q);
    const got = await receiveN(s, 2);
    expect(got).toHaveLength(2);
    const event = JSON.parse(s.events.event(got).toString()) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual(['eventSource', 'eventSourceArn', 'rmqMessagesByQueue']);
    expect(event).toMatchObject({ eventSource: 'aws:rmq', eventSourceArn: BROKER_ARN });
    const byQueue = event['rmqMessagesByQueue'] as Record<string, unknown[]>;
    expect(Object.keys(byQueue)).toEqual([`${q}::/`]);
    const [full, bare] = byQueue[`${q}::/`] as Array<Record<string, unknown>>;
    expect(Object.keys(full ?? {})).toEqual(['basicProperties', 'redelivered', 'data']);
    expect(full).toEqual({
      basicProperties: {
        contentType: 'application/json',
        contentEncoding: null,
        headers: {
          tenant: { bytes: [97, 99, 109, 101] },
          attempt: 3,
          flag: true,
          nested: { café: { bytes: [-61, -87] } },
          list: [1, { bytes: [97] }],
          sentAt: 'Jan 1, 1970, 12:33:41 AM',
          raw: [1, -1],
        },
        deliveryMode: 2,
        priority: 4,
        correlationId: 'c',
        replyTo: 'r',
        expiration: '60000',
        messageId: 'm-42',
        timestamp: 'Mar 4, 2026, 9:15:02 AM',
        type: 't',
        userId: 'guest',
        appId: 'app',
        clusterId: null,
        bodySize: 24,
      },
      redelivered: false,
      data: Buffer.from('{"orderId":"42","qty":1}').toString('base64'),
    });
    expect(bare).toEqual({
      basicProperties: {
        contentType: null,
        contentEncoding: null,
        headers: null,
        deliveryMode: null,
        priority: null,
        correlationId: null,
        replyTo: null,
        expiration: null,
        messageId: null,
        timestamp: null,
        type: null,
        userId: null,
        appId: null,
        clusterId: null,
        bodySize: 5,
      },
      redelivered: false,
      data: Buffer.from('plain').toString('base64'),
    });
    // RMQ-7: sizes add up to the event's JSON bytes (each message's JSON and one separator).
    const total = s.events.envelopeBytes + got.reduce((n, m) => n + m.sizeBytes, 0) - 1;
    expect(total).toBe(Buffer.byteLength(JSON.stringify(event)));
    await s.ack(got);
  });

  it('RMQ-16 / DA-2 acks a batch with consumer tag sluice-<UUID>: the queue is empty afterwards, also after close', async () => {
    const ch = await channel();
    const q = await queue(ch);
    for (let i = 0; i < 20; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
    const s = open(q, 20, 'b5d1c7a2-0000-4000-8000-000000000016');
    const got = await receiveN(s, 20);
    expect(got.map(body)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    // DA-2: the consumer tag names the mapping.
    expect(got[0]!.handle.msg.fields.consumerTag).toBe('sluice-b5d1c7a2-0000-4000-8000-000000000016');
    expect(await s.ack(got)).toEqual([]);
    await s.close();
    expect(await depth(ch, q)).toBe(0);
  });

  it('RMQ-17 / DA-2 nack hands the whole batch back: redelivered true, same order', async () => {
    const ch = await channel();
    const q = await queue(ch);
    for (let i = 0; i < 5; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
    const s = open(q, 5);
    const first = await receiveN(s, 5);
    expect(first.every((m) => !m.record.redelivered)).toBe(true);
    await s.nack(first, 0);
    const again = await receiveN(s, 5);
    expect(again.map(body)).toEqual(first.map(body));
    expect(again.every((m) => m.record.redelivered && m.receiveCount === 2)).toBe(true);
    await s.ack(again);
  });

  it('DA-2 prefetch = BatchSize: no more than that many messages are held unacked', async () => {
    const ch = await channel();
    const q = await queue(ch);
    for (let i = 0; i < 10; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
    const s = open(q, 3);
    const got = await receiveN(s, 3, 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.receive(10, 0, AbortSignal.timeout(1_000))).toEqual([]); // nothing beyond the prefetch
    expect(await depth(ch, q)).toBe(7);
    await s.ack(got);
    expect(await receiveN(s, 3, 10)).toHaveLength(3);
  });

  it('RMQ-19 / DA-3 reject sends the message to the dead-letter exchange, never back to the queue', async () => {
    const ch = await channel();
    const dlq = await queue(ch, {}, 'rmq-dlq');
    const q = await queue(ch, { deadLetterExchange: '', deadLetterRoutingKey: dlq });
    ch.sendToQueue(q, Buffer.from('too big'));
    const s = open(q);
    const [m] = await receiveN(s, 1);
    await s.reject([m!]);
    await eventually(async () => ((await depth(ch, dlq)) === 1 ? true : undefined));
    expect(await depth(ch, q)).toBe(0);
  });

  it('a lost channel returns held messages to the queue; the source reconnects and gets them redelivered', async () => {
    const ch = await channel();
    const q = await queue(ch);
    for (let i = 0; i < 3; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
    const s = open(q, 3);
    const held = await receiveN(s, 3);
    // Deleting and re-creating the queue would lose messages; closing the consumer's connection does not.
    await (s as unknown as { live: { conn: { close(): Promise<void> } } }).live.conn.close();
    expect(await s.ack(held)).toEqual(held.map((m) => m.id)); // the old channel's tags mean nothing now
    const again = await receiveN(s, 3);
    expect(again.map(body)).toEqual(['m0', 'm1', 'm2']);
    expect(again.every((m) => m.record.redelivered)).toBe(true);
    await s.ack(again);
  });

  it('RMQ-16 acks and nacks on a channel that is closing resolve at once with their ids, without warnings', async () => {
    const ch = await channel();
    const q = await queue(ch);
    for (let i = 0; i < 2; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
    const logged: string[] = [];
    const note = (level: string) => () => void logged.push(level);
    const logger = { ...silentLogger, warn: note('warn'), error: note('error') };
    const s = new RabbitmqQueueSource(
      { url: rabbitmqUrl() },
      { arn: BROKER_ARN, queue: q, vhost: '/', mappingId: randomUUID(), prefetch: 2 },
      logger,
    );
    sources.push(s);
    const held = await receiveN(s, 2);
    // The channel is closing but its close event has not come yet: the source still takes it for live.
    const closing = (s as unknown as { live: { ch: { close(): Promise<void> } } }).live.ch.close();
    expect(await s.ack(held)).toEqual(held.map((m) => m.id));
    await s.nack(held, 0);
    expect(logged).toEqual([]);
    await closing;
    const again = await receiveN(s, 2);
    expect(again.map(body)).toEqual(['m0', 'm1']);
    expect(again.every((m) => m.record.redelivered)).toBe(true);
    await s.ack(again);
  });
});

describe('RabbitMQ source errors no retry fixes', () => {
  const failing = (url: string, vhost = '/') =>
    new RabbitmqQueueSource(
      { url },
      { arn: BROKER_ARN, queue: 'q', vhost, mappingId: randomUUID(), prefetch: 1 },
      silentLogger,
    );

  it('RMQ-20 a refused login fails the start as EVENT_SOURCE_AUTHN_ERROR, not retryable', async () => {
    const s = failing(rabbitmqUrl().replace('guest:guest@', 'guest:wrong@'));
    const err = (await s.describe().catch((e: unknown) => e)) as SluiceError;
    expect(err).toBeInstanceOf(SluiceError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^EVENT_SOURCE_AUTHN_ERROR: /);
    await s.close();
  });

  it('RMQ-20 a virtual host the user cannot open fails the start as EVENT_SOURCE_AUTHZ_ERROR', async () => {
    const s = failing(rabbitmqUrl(), uniqueName('no-such-vhost'));
    const err = (await s.describe().catch((e: unknown) => e)) as SluiceError;
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^EVENT_SOURCE_AUTHZ_ERROR: /);
    await s.close();
  });

  it('a queue that does not exist (yet) stays retryable', async () => {
    const s = source(uniqueName('rmq-missing'));
    const err = (await s.describe().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(SluiceError);
    await s.close();
  });
});
