import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { kafka, uniqueName } from '../../services/inject.js';

describe('Kafka test server (kafkajs)', () => {
  const open: (Admin | Producer | Consumer)[] = [];
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.disconnect()));
  });

  it('produces and consumes through a consumer group, committing offsets', async () => {
    const k = kafka();
    const topic = uniqueName('smoke');
    const groupId = uniqueName('group');
    const admin = k.admin();
    open.push(admin);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });

    const producer = k.producer();
    open.push(producer);
    await producer.connect();
    const sent = ['a', 'b', 'c', 'd'].map((v, i) => ({ key: `k${i}`, value: v }));
    await producer.send({ topic, messages: sent });

    const consumer = k.consumer({ groupId, heartbeatInterval: 500 });
    open.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    const allReceived = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          received.push(message.value?.toString() ?? '');
          if (received.length === sent.length) resolve();
          return Promise.resolve();
        },
      });
    });
    await allReceived;
    expect(received.sort()).toEqual(['a', 'b', 'c', 'd']);
    await consumer.disconnect(); // commits the consumed offsets

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(sent.length);
  });
});
