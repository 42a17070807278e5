// Scenario m (mapping moved in the file): a stream mapping without UUID or ConsumerGroupId under steady load; sluice is stopped, a mapping is
// inserted before it in the config, and sluice starts again with the new file. The mapping's identity (UUID,
// checkpoints, default consumer group) does not depend on its position, so it resumes where it stopped: nothing
// produced while it was down is skipped (Kafka LATEST) and nothing handled is read again (Kinesis TRIM_HORIZON).
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { logLevel } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import { createStream } from '../integration/kinesis/kinesalite.js';
import { closeClients, kafka, kinesisClient, servers, uniqueName } from '../services/inject.js';
import { ACCOUNT, CREDENTIALS, FAULT_FIXTURES, REGION, Sluice, audit, readRecords, recordLog } from './harness.js';
import { allHandled, handledAtLeast, startLoad, type LoadPlan } from './restart-kit.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await closeClients();
});

/** Sends warm-up records until one is handled: a LATEST mapping is then surely reading. */
async function warmUp(log: string, send: (id: string) => Promise<void>): Promise<void> {
  for (let i = 0; readRecords(log).length === 0; i++) {
    if (i > 120) throw new Error('no warm-up record handled within 60 s');
    await send(`warm${i}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function reorderDuringLoad(
  scenario: string,
  note: string,
  log: string,
  config: { eventSourceMappings: object[] } & Record<string, unknown>,
  load: LoadPlan,
) {
  const first = await Sluice.start(config);
  cleanups.push(() => first.stop());
  await warmUp(log, (id) => load.send(id, 0));
  const run = startLoad(load);
  await handledAtLeast(log, 40);
  const faultAtMs = Date.now();
  expect(await first.stop(45_000)).toBe(0);
  // The new file: a mapping inserted before the stream mapping, which moves from index 0 to 1.
  const inserted = { FunctionName: 'rec', EventSourceArn: 'memory://queue/inserted' };
  const second = await Sluice.start({ ...config, eventSourceMappings: [inserted, ...config.eventSourceMappings] });
  cleanups.push(() => second.stop());
  await run.done;
  const settledAtMs = await allHandled(log, run.produced, 60_000);
  const row = audit({
    scenario,
    produced: run.produced,
    handled: readRecords(log).filter((h) => !h.id.startsWith('warm')),
    faultAtMs,
    settledAtMs,
    note,
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  // A graceful stop commits what was handled: no replay under the (unchanged) identity.
  expect(row.duplicated).toBe(0);
  expect(await second.stop(45_000)).toBe(0);
}

const recorder = (log: string) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Timeout: 3,
  Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '20' } },
});

it('KAF-5 Kafka LATEST: a mapping inserted before it, restart: same consumer group, lost = 0, no replay', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('faults-reorder');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const log = recordLog();
  await reorderDuringLoad(
    'm1. Kafka: mapping inserted before it, restart (LATEST)',
    '2 partitions; 30 msg/s; no UUID or ConsumerGroupId; SIGTERM, a mapping inserted at index 0, start; records sent while down are read',
    log,
    {
      connections: {
        kafka: { type: 'kafka', brokers: servers().kafka.brokers, consumer: { heartbeatIntervalMs: 1000 } },
      },
      functions: { rec: recorder(log) },
      eventSourceMappings: [{ FunctionName: 'rec', Topics: [topic], Connection: 'kafka', StartingPosition: 'LATEST' }],
    },
    {
      count: 240,
      perSecond: 30,
      idPrefix: 'k',
      send: async (id) => {
        await producer.send({ topic, acks: -1, messages: [{ key: id, value: JSON.stringify({ id }) }] });
      },
    },
  );
});

it('Kinesis TRIM_HORIZON, Redis state: a mapping inserted before it, restart: same checkpoints, lost = 0, no replay', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('faults-reorder');
  await createStream(kinesis, stream, 2);
  const log = recordLog();
  await reorderDuringLoad(
    'm2. Kinesis: mapping inserted before it, restart (TRIM_HORIZON)',
    '2 shards; 30 rec/s; no UUID; checkpoints in Redis; SIGTERM, a mapping inserted at index 0, start; resumes after its checkpoints',
    log,
    {
      state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('faults') },
      connections: {
        kinesis: { type: 'kinesis', endpoint: servers().kinesis.endpoint, region: REGION, credentials: CREDENTIALS },
        redis: { type: 'redis', url: servers().redis.url },
      },
      tuning: { streamPollIntervalMs: 200, streamLeaseTtlSeconds: 5 },
      functions: { rec: recorder(log) },
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
    {
      count: 150,
      perSecond: 30,
      idPrefix: 'n',
      send: async (id) => {
        await kinesis.send(
          new PutRecordCommand({ StreamName: stream, PartitionKey: id, Data: Buffer.from(JSON.stringify({ id })) }),
        );
      },
    },
  );
});
