// Scenario h: a broker restarts under steady load. Each case starts a PRIVATE broker (the shared test servers are
// never restarted) with its data on disk, runs a mapping against it, stops the broker (SIGTERM: a clean shutdown,
// so it keeps what it acknowledged; Redis is SIGKILLed, AOF fsync always), keeps it down, starts it again on the
// same port and data dir. sluice must reconnect by itself and lose nothing the broker kept: every acknowledged
// record is handled (duplicates counted). One private broker at a time, stopped after its case.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { logLevel } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import {
  createStreamTable,
  makeDynamoClient,
  makeKafka,
  makeKinesisClient,
  makeRedis,
  makeSqsClient,
} from '../services/clients.js';
import { createStream } from '../integration/kinesis/kinesalite.js';
import { uniqueName } from '../services/inject.js';
import {
  ACCOUNT,
  CREDENTIALS,
  FAULT_FIXTURES,
  REGION,
  Sluice,
  audit,
  createQueue,
  readRecords,
  recordLog,
  type AuditRow,
} from './harness.js';
import { watchKafkaCommits, watchRedisAcks, type CommitWatch } from './commit-watch.js';
import { PrivateBroker } from './private-broker.js';
import { PrivateRedis } from './private-redis.js';
import { allHandled, handledAtLeast, startLoad, type LoadPlan } from './restart-kit.js';

const OUTAGE_MS = Number(process.env.FAULTS_BROKER_OUTAGE_MS ?? 5000);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface Case {
  scenario: string;
  note: string;
  log: string;
  /** The service config without `server`. */
  config: object;
  load: Omit<LoadPlan, 'idPrefix'>;
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** Broker-side positions to check while it runs (Kafka commits, Redis acks). */
  watch?: () => CommitWatch;
}

const recorderFn = (log: string, extra: object = {}) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Timeout: 3,
  Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '50' } },
  ...extra,
});

async function outage(c: Case): Promise<AuditRow> {
  const sluice = await Sluice.start(c.config as Record<string, unknown>);
  cleanups.push(() => sluice.stop());
  const commits = c.watch?.();
  // A first record handled before the load starts: the outage must hit a running mapping, not its start-up.
  await startLoad({ ...c.load, count: 1, idPrefix: 'warm' }).done;
  await handledAtLeast(c.log, 1, 90_000);
  const load = startLoad({ ...c.load, idPrefix: 'h' });
  await handledAtLeast(c.log, 40);
  await c.down();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await c.up();
  const backAtMs = Date.now();
  await load.done;
  const settledAtMs = await allHandled(c.log, load.produced, 60_000);
  const violations = await commits?.stop();
  const row = audit({
    scenario: c.scenario,
    produced: load.produced,
    handled: readRecords(c.log),
    faultAtMs: backAtMs,
    settledAtMs,
    note:
      `${c.note}; ${OUTAGE_MS / 1000} s down + restart; ${load.retried()} sends retried while down; recovery from broker back up` +
      (commits ? `; ${commits.samples()} samples of the committed position: none past an unhandled record` : ''),
  });
  expect(violations ?? []).toEqual([]);
  if (commits) expect(commits.samples()).toBeGreaterThan(0);
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
  // After the outage the service still shuts down cleanly (no consumer stuck on the old connection).
  expect(await sluice.stop(45_000)).toBe(0);
  return row;
}

it('SQS-10 ElasticMQ restarts under load (H2 message storage): sluice reconnects, lost = 0', async () => {
  const broker = await PrivateBroker.start('elasticmq');
  cleanups.push(() => broker.down());
  const sqs = makeSqsClient(broker.address, { maxAttempts: 1 });
  cleanups.push(() => Promise.resolve(sqs.destroy()));
  const queue = await createQueue(sqs, uniqueName('faults-emq'), { VisibilityTimeout: '5' });
  const log = recordLog();
  await outage({
    scenario: 'h1. SQS: ElasticMQ restart under load',
    note: 'private ElasticMQ, messages in H2; visibility 5 s; 20 msg/s',
    log,
    config: {
      connections: { sqs: { type: 'sqs', endpoint: broker.address, region: REGION, credentials: CREDENTIALS } },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [{ FunctionName: 'rec', EventSourceArn: queue.arn, Connection: 'sqs', BatchSize: 5 }],
    },
    load: {
      count: 200,
      perSecond: 20,
      send: async (id) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ id }) }));
      },
    },
    down: () => broker.down(),
    up: () => broker.up(),
  });
});

it('KAF-4 Kafka broker restarts under load (log dirs on disk): sluice reconnects, commits resume, lost = 0', async () => {
  const broker = await PrivateBroker.start('kafka');
  cleanups.push(() => broker.down());
  const kafka = makeKafka([broker.address], { retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const topic = uniqueName('faults-kafka');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const watcher = kafka.admin();
  await watcher.connect();
  cleanups.push(() => watcher.disconnect());
  const groupId = uniqueName('faults-group');
  const sent = new Map<string, { partition: number; offset: number }>();
  const log = recordLog();
  await outage({
    scenario: 'h2. Kafka: broker restart under load',
    note: 'private Kafka (KRaft), 2 partitions, session timeout 6 s; 20 msg/s',
    log,
    config: {
      connections: {
        // A short session: a consumer that kafkajs replaces after the outage does not hold its partitions for 30 s.
        kafka: {
          type: 'kafka',
          brokers: [broker.address],
          consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
        },
      },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [
        { FunctionName: 'rec', Topics: [topic], Connection: 'kafka', StartingPosition: 'TRIM_HORIZON' },
      ],
    },
    load: {
      count: 200,
      perSecond: 20,
      send: async (id, i) => {
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: [{ key: `k${i}`, value: JSON.stringify({ id }) }],
        });
        sent.set(id, { partition: meta!.partition, offset: Number(meta!.baseOffset) });
      },
    },
    down: () => broker.down(),
    up: () => broker.up(),
    watch: () => watchKafkaCommits(watcher, groupId, topic, sent, log),
  });
});

it('STR-1 DynamoDB Local restarts under load (-dbPath): sluice reconnects, lost = 0', async () => {
  const broker = await PrivateBroker.start('dynamodb');
  cleanups.push(() => broker.down());
  const ddb = makeDynamoClient(broker.address, { maxAttempts: 1 });
  cleanups.push(() => Promise.resolve(ddb.destroy()));
  const table = uniqueName('faults-ddb');
  const streamArn = await createStreamTable(ddb, table);
  const log = recordLog();
  await outage({
    scenario: 'h3. DynamoDB Streams: DynamoDB Local restart under load',
    note: 'private DynamoDB Local with -dbPath; 20 puts/s',
    log,
    config: {
      connections: {
        dynamodb: { type: 'dynamodb', endpoint: broker.address, region: REGION, credentials: CREDENTIALS },
      },
      tuning: { streamPollIntervalMs: 200 },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          EventSourceArn: streamArn,
          Connection: 'dynamodb',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
        },
      ],
    },
    load: {
      count: 200,
      perSecond: 20,
      send: async (id) => {
        await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: id } } }));
      },
    },
    down: () => broker.down(),
    up: () => broker.up(),
  });
});

it('STR-1 kinesalite restarts under load (leveldown on disk): sluice reconnects, lost = 0', async () => {
  const broker = await PrivateBroker.start('kinesalite');
  cleanups.push(() => broker.down());
  const kinesis = makeKinesisClient(broker.address, { maxAttempts: 1 });
  cleanups.push(() => Promise.resolve(kinesis.destroy()));
  const stream = uniqueName('faults-kin');
  await createStream(kinesis, stream, 2);
  const log = recordLog();
  await outage({
    scenario: 'h4. Kinesis: kinesalite restart under load',
    note: 'private kinesalite on leveldown; 2 shards; 20 rec/s; SIGKILLed',
    log,
    config: {
      connections: {
        kinesis: { type: 'kinesis', endpoint: broker.address, region: REGION, credentials: CREDENTIALS },
      },
      tuning: { streamPollIntervalMs: 200 },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${stream}`,
          Connection: 'kinesis',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
        },
      ],
    },
    load: {
      count: 200,
      perSecond: 20,
      send: async (id, i) => {
        await kinesis.send(
          new PutRecordCommand({
            StreamName: stream,
            PartitionKey: `k${i}`,
            Data: Buffer.from(JSON.stringify({ id })),
          }),
        );
      },
    },
    // leveldown writes through the OS: a killed kinesalite keeps every acknowledged record.
    down: () => broker.crash(),
    up: () => broker.up(),
  });
});

it('Redis (Redis Streams source) crashes and restarts under load (AOF always): sluice reconnects, lost = 0', async () => {
  const redis = await PrivateRedis.start();
  cleanups.push(() => redis.stop());
  const client = makeRedis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  cleanups.push(() => Promise.resolve(client.disconnect()));
  const key = uniqueName('faults-rs');
  const sent = new Map<string, string>();
  const log = recordLog();
  await outage({
    scenario: 'h5. Redis Streams: Redis restart under load',
    note: 'private redis-server, AOF fsync always, SIGKILLed; 20 entries/s',
    log,
    config: {
      connections: { redis: { type: 'redis', url: redis.url } },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          EventSourceArn: `redis://${key}`,
          Connection: 'redis',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
        },
      ],
    },
    load: {
      count: 200,
      perSecond: 20,
      send: async (id) => {
        sent.set(id, (await client.xadd(key, '*', 'id', id))!);
      },
    },
    down: () => redis.crash(),
    up: () => redis.up(),
    watch: () => watchRedisAcks(client, key, sent, log),
  });
});
