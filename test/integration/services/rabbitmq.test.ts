import { afterAll, describe, expect, it } from 'vitest';
import type { ConsumeMessage } from 'amqplib';
import { amqp, closeClients, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

describe('RabbitMQ test server', () => {
  it('publishes with confirms to a durable queue and consumes with manual acks', async () => {
    const conn = await amqp();
    const pub = await conn.createConfirmChannel();
    const queue = uniqueName('smoke');
    await pub.assertQueue(queue, { durable: true });
    for (const n of ['1', '2']) {
      pub.sendToQueue(queue, Buffer.from(n), { persistent: true, messageId: `m${n}`, headers: { n } });
    }
    await pub.waitForConfirms();
    expect((await pub.checkQueue(queue)).messageCount).toBe(2);

    const sub = await conn.createChannel();
    await sub.prefetch(10);
    const got: ConsumeMessage[] = [];
    const both = new Promise<void>((resolve) => {
      void sub.consume(queue, (m) => {
        if (!m) return;
        got.push(m);
        if (got.length === 2) resolve();
      });
    });
    await both;
    expect(got.map((m) => [m.content.toString(), m.properties.messageId as string, m.fields.redelivered])).toEqual([
      ['1', 'm1', false],
      ['2', 'm2', false],
    ]);
    expect(got[0]!.properties.headers).toMatchObject({ n: '1' });
    sub.ack(got[1]!, true); // multiple: acks both
    await sub.close();
    expect((await pub.checkQueue(queue)).messageCount).toBe(0);
    await pub.deleteQueue(queue);
  });
});
