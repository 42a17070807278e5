// Kafka as a destination (KAF-16/18) against a real broker: the JSON record is the message value.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kafkaConnector } from '../../../connectors/kafka/index.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { kafkaBrokers } from './env.js';
import { createTopic, quietLogger, rawKafka, until } from './helpers.js';

describe('Kafka destination (real broker)', () => {
  it('KAF-16 produces the JSON record, reusing the original record key', async () => {
    const topic = await createTopic(rawKafka(), 1);
    const dest = kafkaConnector.createDestination!(`kafka://${topic}`, {
      connection: { brokers: kafkaBrokers() },
      region: 'us-east-1',
      accountId: '000000000000',
      logger: quietLogger,
      metrics: noopMetrics,
    });
    const failure = {
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      payload: { records: { 'src-0': [{ key: Buffer.from('order-7').toString('base64'), value: 'eA==' }] } },
    };
    await dest.send(failure, { functionName: 'fn' });
    await dest.close();

    const got: Array<{ key: string | undefined; value: unknown; fn: string | undefined }> = [];
    const consumer = rawKafka().consumer({ groupId: randomUUID() });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        got.push({
          key: message.key?.toString(),
          value: JSON.parse(message.value!.toString()),
          fn: message.headers?.['sluice-function']?.toString(),
        });
        return Promise.resolve();
      },
    });
    await until(() => Promise.resolve(got.length > 0 ? true : undefined));
    await consumer.disconnect();
    expect(got).toEqual([{ key: 'order-7', value: failure, fn: 'fn' }]);
  });
});
