// Runs the queue source contract against every connector's QueueSource on its real server.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { MemoryBroker } from '../../connectors/memory/index.js';
import { rabbitmqConnector } from '../../connectors/rabbitmq/index.js';
import { sqsConnector } from '../../connectors/sqs/index.js';
import { BROKER_ARN, channel, rabbitmqUrl } from '../integration/rabbitmq/kit.js';
import { ACCOUNT, admin, connectorContext, REGION } from '../integration/sqs/sqs-kit.js';
import { uniqueName } from '../services/inject.js';
import { describeQueueSource, type QueueSourceFactory } from './queue-source.js';

const body = (m: { record: Record<string, unknown> }) => String(m.record['body']);

const sqs: QueueSourceFactory = {
  name: 'sqs (ElasticMQ)',
  async create(visibilityMs) {
    const client = admin();
    const name = `conformance-${randomUUID().slice(0, 8)}`;
    const r = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: String(Math.ceil(visibilityMs / 1000)) },
      }),
    );
    const url = r.QueueUrl!;
    return {
      async produce(bodies) {
        for (let i = 0; i < bodies.length; i += 10) {
          const Entries = bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody }));
          await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
        }
      },
      source: () => sqsConnector.createQueueSource!(`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, connectorContext()),
      bodyOf: body,
      async dispose() {
        await client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
        client.destroy();
      },
    };
  },
};

const memory: QueueSourceFactory = {
  name: 'memory queue',
  create(visibilityMs) {
    const broker = new MemoryBroker({ region: REGION, accountId: ACCOUNT, visibilityTimeoutMs: visibilityMs });
    const queue = broker.queue(`conformance-${randomUUID().slice(0, 8)}`);
    return Promise.resolve({
      produce: (bodies) => Promise.resolve(void bodies.forEach((b) => queue.send(b))),
      source: () => queue.source(),
      bodyOf: body,
      dispose: () => Promise.resolve(),
    });
  },
};

const rabbitmq: QueueSourceFactory = {
  name: 'rabbitmq',
  async create() {
    const ch = await channel();
    const queue = uniqueName('conformance');
    await ch.assertQueue(queue);
    return {
      produce: (bodies) => Promise.resolve(void bodies.forEach((b) => ch.sendToQueue(queue, Buffer.from(b)))),
      source: () =>
        rabbitmqConnector.createQueueSource!(
          BROKER_ARN,
          { ...connectorContext(), connection: { url: rabbitmqUrl() } },
          // BatchSize 100, as Lambda's default: the prefetch (DA-2) caps what one consumer holds unacked.
          { mappingId: randomUUID(), batchSize: 100, settings: { queue } },
        ),
      bodyOf: (m) => Buffer.from(String(m.record['data']), 'base64').toString('utf8'),
      async dispose() {
        await ch.deleteQueue(queue).catch(() => undefined);
      },
    };
  },
};

describeQueueSource(sqs);
describeQueueSource(memory);
describeQueueSource(rabbitmq);
