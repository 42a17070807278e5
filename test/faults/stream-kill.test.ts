// Scenario i: Kafka and Redis Streams mappings under steady load on the shared servers (unique topic / stream key);
// sluice is SIGKILLed and restarted with the same config. Kafka resumes from the group's committed offsets (the
// killed member leaves the group when its session times out: 6 s here); Redis Streams re-reads the consumer's own
// pending entries (same consumer name) before new ones. Nothing is lost; what was handled but not yet
// committed / XACKed at the kill is handled again (duplicates).
import { logLevel } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import { closeClients, kafka, redis, servers, uniqueName } from '../services/inject.js';
import { watchKafkaCommits, watchRedisAcks, type CommitWatch } from './commit-watch.js';
import { FAULT_FIXTURES, Sluice, audit, readRecords, recordLog, type AuditRow } from './harness.js';
import { allHandled, handledAtLeast, startLoad, type LoadPlan } from './restart-kit.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await closeClients();
});

const recorderFn = (log: string) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Timeout: 3,
  Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '50' } },
});

async function killDuringLoad(
  scenario: string,
  note: string,
  log: string,
  config: object,
  load: LoadPlan,
  watch: () => CommitWatch,
) {
  const sluice = await Sluice.start(config as Record<string, unknown>);
  cleanups.push(() => sluice.stop());
  const commits = watch();
  await startLoad({ ...load, count: 1, idPrefix: 'warm' }).done;
  await handledAtLeast(log, 1, 90_000);
  const run = startLoad(load);
  await handledAtLeast(log, 40);
  const killedPid = sluice.pid;
  const faultAtMs = Date.now();
  await sluice.kill();
  await sluice.restart();
  await run.done;
  const settledAtMs = await allHandled(log, run.produced, 60_000);
  const violations = await commits.stop();
  const row: AuditRow = audit({
    scenario,
    produced: run.produced,
    handled: readRecords(log),
    faultAtMs,
    killedPid,
    settledAtMs,
    note: `${note}; ${commits.samples()} samples of the committed position: none past an unhandled record`,
  });
  expect(violations).toEqual([]);
  expect(commits.samples()).toBeGreaterThan(0);
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
  expect(await sluice.stop(45_000)).toBe(0);
}

it('KAF-5 Kafka: SIGKILL sluice under load, restart: resumes from committed offsets, lost = 0', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('faults-kkill');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const watcher = client.admin();
  await watcher.connect();
  cleanups.push(() => watcher.disconnect());
  const groupId = uniqueName('faults-group');
  const sent = new Map<string, { partition: number; offset: number }>();
  const log = recordLog();
  await killDuringLoad(
    'i1. Kafka: SIGKILL sluice under load, restart',
    '2 partitions; 30 msg/s; session timeout 6 s (connection consumer tuning): the dead member leaves the group after it',
    log,
    {
      connections: {
        kafka: {
          type: 'kafka',
          brokers: servers().kafka.brokers,
          consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
        },
      },
      functions: { rec: recorderFn(log) },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: groupId },
        },
      ],
    },
    {
      count: 240,
      perSecond: 30,
      idPrefix: 'k',
      send: async (id, i) => {
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: [{ key: `k${i}`, value: JSON.stringify({ id }) }],
        });
        sent.set(id, { partition: meta!.partition, offset: Number(meta!.baseOffset) });
      },
    },
    () => watchKafkaCommits(watcher, groupId, topic, sent, log),
  );
});

it('Redis Streams: SIGKILL sluice under load, restart: pending entries re-read, lost = 0', async () => {
  const client = redis();
  const key = uniqueName('faults-rkill');
  const sent = new Map<string, string>();
  const log = recordLog();
  await killDuringLoad(
    'i2. Redis Streams: SIGKILL sluice under load, restart',
    '30 entries/s; same consumerName after restart: its pending entries first; claimIdleMs 3 s',
    log,
    {
      connections: {
        redis: {
          type: 'redis',
          url: servers().redis.url,
          consumerName: uniqueName('faults'),
          claimIdleMs: 3000,
          claimIntervalMs: 1000,
        },
      },
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
    {
      count: 240,
      perSecond: 30,
      idPrefix: 'r',
      send: async (id) => {
        sent.set(id, (await client.xadd(key, '*', 'id', id))!);
      },
    },
    () => watchRedisAcks(client, key, sent, log),
  );
});
