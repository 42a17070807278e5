// A Kafka mapping configured as Lambda's self-managed Kafka ESM, run by the built service (npm run build first).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { kafkaBrokers } from './env.js';
import { createTopic, rawKafka } from './helpers.js';

let svc: Service | undefined;
afterAll(async () => {
  expect(await svc?.stop()).toBe(0);
});

describe('Kafka mapping through the service', () => {
  it('KAF-1/KAF-7 delivers every message of a topic in a SelfManagedKafka event', async () => {
    const kafka = rawKafka();
    const topic = await createTopic(kafka, 2);
    svc = await startService({
      functions: { k: { Handler: 'handlers.kafka', CodeUri: path.resolve('test/fixtures/service') } },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          Topics: [topic],
          StartingPosition: 'TRIM_HORIZON',
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_v, i) => ({ key: `k${i}`, value: `m${i}` })) });
    await producer.disconnect();
    for (let i = 0; i < 10; i++)
      await svc.waitForLog(new RegExp(`KAFKA SelfManagedKafka ${topic}-\\d m${i}\\b`), 60_000);
  });

  // Issue #15: whichever Kafka client sluice uses, it must not leave a socket or timer that only main.ts's
  // fallback exit (5 s after the command finished, with a "still running" line) gets rid of.
  it('SIGTERM with the Kafka consumer running: sluice exits 0 on its own, without the fallback exit', async () => {
    expect(svc).toBeDefined();
    expect(await svc!.stop()).toBe(0);
    expect(svc!.logs.filter((l) => l.includes('after the command finished'))).toEqual([]);
  });
});
