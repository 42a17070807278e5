// Runs the destination contract against every connector's destination on its real server (the local Lambda path
// against the port the app gives it).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import { httpConnector } from '../../connectors/http/index.js';
import { kafkaConnector } from '../../connectors/kafka/index.js';
import { lambdaConnector } from '../../connectors/lambda/index.js';
import { MemoryBroker, memoryConnector } from '../../connectors/memory/index.js';
import { redisStreamsConnector } from '../../connectors/redis/index.js';
import { sqsConnector } from '../../connectors/sqs/index.js';
import type { ConnectorContext, LocalFunctions } from '../../src/ports/connector.js';
import { ACCOUNT, admin, connectorContext, REGION } from '../integration/sqs/sqs-kit.js';
import { redisUrl } from '../integration/redis-streams/env.js';
import { kafkaBrokers } from '../integration/kafka/env.js';
import { createTopic, quietLogger, rawKafka } from '../integration/kafka/helpers.js';
import { describeDestination, type DestinationFactory } from './destination.js';
import { eventBridgeConnector } from '../../connectors/eventbridge/index.js';
import { s3Connector } from '../../connectors/s3/index.js';
import { snsConnector } from '../../connectors/sns/index.js';
import {
  busWithQueue,
  createBucket,
  MOTO_ACCOUNT,
  motoConnection,
  objects,
  topicWithQueue,
} from '../integration/destinations/moto-kit.js';

const unique = () => `conformance-${randomUUID().slice(0, 8)}`;
const ctx = (extra: Partial<ConnectorContext> = {}): ConnectorContext => ({
  ...connectorContext(),
  connection: {},
  ...extra,
});

/** Waits (polling, generous bound) until `read` has at least `want` bodies. */
async function until(read: () => Promise<string[]>, want: number): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = await read();
    if (got.length >= want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A local HTTP server that keeps the bodies it gets and answers `status`. */
async function server(status: number): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

const memory: DestinationFactory = {
  name: 'memory queue',
  create() {
    const broker = new MemoryBroker({ region: REGION, accountId: ACCOUNT, visibilityTimeoutMs: 30_000 });
    const name = unique();
    const destination = memoryConnector.createDestination!(`memory://queue/${name}`, ctx({ instance: broker }));
    const source = broker.queue(name).source();
    const got: string[] = [];
    const read = async () => {
      const msgs = await source.receive(10, 0, new AbortController().signal);
      got.push(...msgs.map((m) => String(m.record['body'])));
      await source.ack(msgs);
      return got;
    };
    return Promise.resolve({ destination, received: (want) => until(read, want), dispose: () => source.close() });
  },
  unreachable() {
    // A full broker (limits.memorySources) takes nothing more.
    const broker = new MemoryBroker({ region: REGION, accountId: ACCOUNT, visibilityTimeoutMs: 30_000, maxRecords: 1 });
    const name = unique();
    broker.queue(name).send('{}');
    const destination = memoryConnector.createDestination!(`memory://queue/${name}`, ctx({ instance: broker }));
    return Promise.resolve({ destination, dispose: () => Promise.resolve() });
  },
};

const httpDestinations: DestinationFactory = {
  name: 'http',
  async create() {
    const s = await server(200);
    const destination = httpConnector.createDestination!(`${s.url}/hook`, ctx());
    return { destination, received: (want) => until(() => Promise.resolve(s.bodies), want), dispose: s.close };
  },
  async unreachable() {
    const s = await server(500);
    return { destination: httpConnector.createDestination!(`${s.url}/hook`, ctx()), dispose: s.close };
  },
};

const lambda: DestinationFactory = {
  name: 'lambda (a function of this sluice; another through a lambda connection)',
  create() {
    const bodies: string[] = [];
    const functions: LocalFunctions = {
      has: (name) => name === 'target',
      invokeAsync: (_name, payload) => Promise.resolve(void bodies.push(payload.toString('utf8'))),
    };
    const destination = lambdaConnector.createDestination!(
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:target`,
      ctx({ functions }),
    );
    return Promise.resolve({
      destination,
      received: (want) => until(() => Promise.resolve(bodies), want),
      dispose: () => Promise.resolve(),
    });
  },
  async unreachable() {
    // A remote function whose Lambda API answers 500.
    const s = await server(500);
    const functions: LocalFunctions = { has: () => false, invokeAsync: () => Promise.resolve() };
    const connection = { endpoint: s.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    const destination = lambdaConnector.createDestination!(
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:elsewhere`,
      ctx({ functions, connection }),
    );
    return { destination, dispose: s.close };
  },
};

const sqs: DestinationFactory = {
  name: 'sqs (ElasticMQ)',
  async create() {
    const client = admin();
    const name = unique();
    const url = (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const destination = sqsConnector.createDestination!(`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, connectorContext());
    const got: string[] = [];
    const read = async () => {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      got.push(...(out.Messages ?? []).map((m) => m.Body ?? ''));
      return got;
    };
    return {
      destination,
      received: (want) => until(read, want),
      async dispose() {
        await client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
        client.destroy();
      },
    };
  },
  unreachable() {
    const destination = sqsConnector.createDestination!(
      `arn:aws:sqs:${REGION}:${ACCOUNT}:${unique()}-missing`,
      connectorContext(),
    );
    return Promise.resolve({ destination, dispose: () => Promise.resolve() });
  },
};

const redis: DestinationFactory = {
  name: 'redis stream',
  create() {
    const key = unique();
    const client = new Redis(redisUrl(), { protocol: 2 });
    const destination = redisStreamsConnector.createDestination!(
      `redis://${key}`,
      ctx({ connection: { url: redisUrl() } }),
    );
    const read = async () =>
      (await client.xrange(key, '-', '+')).map(([, fields]) => fields[fields.indexOf('record') + 1] ?? '');
    return Promise.resolve({
      destination,
      received: (want) => until(read, want),
      async dispose() {
        await client.del(key);
        client.disconnect();
      },
    });
  },
  async unreachable() {
    // A key that holds a string, not a stream: XADD is refused (WRONGTYPE).
    const key = unique();
    const client = new Redis(redisUrl(), { protocol: 2 });
    await client.set(key, 'not a stream');
    const destination = redisStreamsConnector.createDestination!(
      `redis://${key}`,
      ctx({ connection: { url: redisUrl() } }),
    );
    return {
      destination,
      async dispose() {
        await client.del(key);
        client.disconnect();
      },
    };
  },
};

const kafka: DestinationFactory = {
  name: 'kafka topic',
  async create() {
    const topic = await createTopic(rawKafka(), 1);
    const destination = kafkaConnector.createDestination!(
      `kafka://${topic}`,
      ctx({ connection: { brokers: kafkaBrokers() }, logger: quietLogger }),
    );
    const got: string[] = [];
    const consumer = rawKafka().consumer({ groupId: unique() });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void got.push(message.value!.toString())) });
    return {
      destination,
      received: (want) => until(() => Promise.resolve(got), want),
      dispose: () => consumer.disconnect(),
    };
  },
  unreachable() {
    // A topic that does not exist: the producer may not create it, so send fails once its retries are spent.
    const destination = kafkaConnector.createDestination!(
      `kafka://${unique()}-missing`,
      ctx({ connection: { brokers: kafkaBrokers() }, logger: quietLogger }),
    );
    return Promise.resolve({ destination, dispose: () => Promise.resolve() });
  },
};

const onMoto = (type: 's3' | 'sns' | 'eventbridge') => ctx({ connection: motoConnection(type) });

const s3: DestinationFactory = {
  name: 's3 bucket (moto)',
  accepts: { buffers: false, records: 'any', ordered: false },
  async create() {
    const bucket = await createBucket();
    const destination = s3Connector.createDestination!(bucket.arn, onMoto('s3'));
    const received = async (want: number) => (await objects(bucket.name, want)).map((o) => JSON.stringify(o.body));
    return { destination, received, dispose: () => Promise.resolve() };
  },
  unreachable: () =>
    Promise.resolve({
      destination: s3Connector.createDestination!(`arn:aws:s3:::${unique()}-missing`, onMoto('s3')),
      dispose: () => Promise.resolve(),
    }),
};

const sns: DestinationFactory = {
  name: 'sns topic (moto, read through a subscribed queue)',
  async create() {
    const topic = await topicWithQueue();
    const destination = snsConnector.createDestination!(topic.arn, onMoto('sns'));
    const received = async (want: number) => (await topic.read(want)).map((n) => n.Message);
    return { destination, received, dispose: () => Promise.resolve() };
  },
  unreachable: () =>
    Promise.resolve({
      destination: snsConnector.createDestination!(
        `arn:aws:sns:${REGION}:${MOTO_ACCOUNT}:${unique()}-missing`,
        onMoto('sns'),
      ),
      dispose: () => Promise.resolve(),
    }),
};

const eventBridge: DestinationFactory = {
  name: 'eventbridge bus (moto, read through a rule targeting a queue)',
  accepts: { buffers: false, records: 'invocation', ordered: true },
  async create() {
    const bus = await busWithQueue();
    const destination = eventBridgeConnector.createDestination!(bus.arn, onMoto('eventbridge'));
    const received = async (want: number) => (await bus.read(want)).map((e) => JSON.stringify(e.detail));
    return { destination, received, dispose: () => Promise.resolve() };
  },
  unreachable: () =>
    Promise.resolve({
      destination: eventBridgeConnector.createDestination!(
        `arn:aws:events:${REGION}:${MOTO_ACCOUNT}:event-bus/${unique()}-missing`,
        onMoto('eventbridge'),
      ),
      dispose: () => Promise.resolve(),
    }),
};

describeDestination(memory);
describeDestination(httpDestinations);
describeDestination(lambda);
describeDestination(sqs);
describeDestination(redis);
describeDestination(kafka);
describeDestination(s3);
describeDestination(sns);
describeDestination(eventBridge);
