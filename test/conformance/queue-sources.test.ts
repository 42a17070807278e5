// Runs the queue source contract against every connector's QueueSource on its real server.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { MemoryBroker } from '../../connectors/memory/index.js';
import { sqsConnector } from '../../connectors/sqs/index.js';
import { ACCOUNT, admin, connectorContext, REGION } from '../integration/sqs/sqs-kit.js';
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

describeQueueSource(sqs);
describeQueueSource(memory);
// RabbitMQ: describeQueueSource(rabbitmq) with a factory like the two above (connectors/rabbitmq, its test server).
