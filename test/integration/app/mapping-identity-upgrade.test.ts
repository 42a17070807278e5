// Upgrading from position-based mapping UUIDs keeps positions. An older sluice derived a mapping's UUID from its
// function, source and position in the file; that version is played here by the same mapping with that UUID
// given explicitly. The upgraded config then inserts a mapping before it (a new identity, a new position): the
// stream mapping must resume where the old one stopped — no replay of what was handled, nothing skipped.
import { createHash, randomUUID } from 'node:crypto';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { FAULT_FIXTURES, readRecords, recordLog } from '../../faults/harness.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kafka, kinesisClient, redis, servers, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

/** The UUID versions before the fix gave a mapping without UUID: function | address | index in the file. */
const positionalUuid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const recorder = (log: string) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '0' } },
});
/** The mapping inserted before the stream mapping in the upgraded config. */
const inserted = { FunctionName: 'rec', EventSourceArn: 'memory://queue/inserted' };

async function start(config: object): Promise<App> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'upgrade.json');
  expect(loaded.problems).toEqual([]);
  return startApp(loaded.config!, createLogger('silent'));
}

const handledIds = (log: string) => readRecords(log).map((r) => r.id);

async function waitHandled(log: string, ids: string[]): Promise<void> {
  await expect
    .poll(() => ids.every((id) => handledIds(log).includes(id)), { timeout: 60_000, interval: 100 })
    .toBe(true);
}

/** Starts sluice on `config`, waits until `ids` are handled, and stops it (also when the wait fails). */
async function runUntilHandled(config: object, log: string, ids: string[]): Promise<void> {
  const app = await start(config);
  try {
    await waitHandled(log, ids);
  } finally {
    await app.stop('test');
  }
}

it('Kinesis with the Redis state store: checkpoints under the former positional UUID are adopted, no replay', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('upgrade');
  await createStream(kinesis, stream, 1);
  const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
  const put = async (id: string) =>
    kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: id, Data: Buffer.from(JSON.stringify({ id })) }),
    );
  const prefix = `t-${randomUUID()}`;
  const log = recordLog();
  const mapping = { FunctionName: 'rec', EventSourceArn: arn, Connection: 'kinesis', StartingPosition: 'TRIM_HORIZON' };
  const base = {
    state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
    tuning: { streamPollIntervalMs: 100 },
    connections: {
      kinesis: {
        type: 'kinesis',
        endpoint: servers().kinesis.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      },
      redis: { type: 'redis', url: servers().redis.url },
    },
    functions: { rec: recorder(log) },
  };
  const old = positionalUuid(`rec|${arn}|0`);
  for (let i = 0; i < 5; i++) await put(`a${i}`);

  await runUntilHandled({ ...base, eventSourceMappings: [{ ...mapping, UUID: old }] }, log, [
    'a0',
    'a1',
    'a2',
    'a3',
    'a4',
  ]);
  const admin = redis();
  expect(await admin.hlen(`${prefix}:checkpoints:${old}`)).toBeGreaterThan(0);

  for (let i = 0; i < 3; i++) await put(`b${i}`);
  await runUntilHandled({ ...base, eventSourceMappings: [inserted, mapping] }, log, ['b0', 'b1', 'b2']);
  // Each record once: the a-records were not replayed under the new identity.
  expect(handledIds(log).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2']);
  const keys = await admin.keys(`${prefix}:*`);
  expect(keys.filter((k) => k.startsWith(`${prefix}:checkpoints:`) && !k.endsWith(old))).toHaveLength(1);
  if (keys.length > 0) await admin.del(...keys);
});

it('KAF-5 Kafka: the default consumer group of the former positional UUID keeps its offsets in use, no replay', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('upgrade');
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = client.producer();
    await producer.connect();
    const send = (ids: string[]) =>
      producer.send({ topic, acks: -1, messages: ids.map((id) => ({ value: JSON.stringify({ id }) })) });
    const log = recordLog();
    const mapping = { FunctionName: 'rec', Topics: [topic], Connection: 'kafka', StartingPosition: 'TRIM_HORIZON' };
    const base = {
      connections: {
        kafka: { type: 'kafka', brokers: servers().kafka.brokers, consumer: { heartbeatIntervalMs: 500 } },
      },
      functions: { rec: recorder(log) },
    };
    // D-7: the old default consumer group was the old UUID.
    const old = positionalUuid(`rec|kafka://${topic}|0`);
    await send(['a0', 'a1', 'a2', 'a3', 'a4']);
    await runUntilHandled({ ...base, eventSourceMappings: [{ ...mapping, UUID: old }] }, log, [
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
    ]);

    await send(['b0', 'b1', 'b2']);
    await runUntilHandled({ ...base, eventSourceMappings: [inserted, mapping] }, log, ['b0', 'b1', 'b2']);
    await producer.disconnect();
    expect(handledIds(log).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2']);
    const [committed] = await admin.fetchOffsets({ groupId: old, topics: [topic] });
    expect(committed?.partitions[0]?.offset).toBe('8');
  } finally {
    await admin.disconnect();
  }
});

it('Redis Streams: the consumer group sluice-<former positional UUID> keeps being read, no replay', async () => {
  const admin = redis();
  const key = uniqueName('upgrade');
  const add = async (ids: string[]) => {
    for (const id of ids) await admin.xadd(key, '*', 'id', id);
  };
  const log = recordLog();
  const address = `redis://${key}`;
  const mapping = {
    FunctionName: 'rec',
    EventSourceArn: address,
    Connection: 'redis',
    StartingPosition: 'TRIM_HORIZON',
  };
  const base = {
    connections: { redis: { type: 'redis', url: servers().redis.url, consumerName: uniqueName('c') } },
    functions: { rec: recorder(log) },
  };
  const old = positionalUuid(`rec|${address}|0`);
  await add(['a0', 'a1', 'a2', 'a3', 'a4']);
  await runUntilHandled({ ...base, eventSourceMappings: [{ ...mapping, UUID: old }] }, log, [
    'a0',
    'a1',
    'a2',
    'a3',
    'a4',
  ]);
  await add(['b0', 'b1', 'b2']);
  await runUntilHandled({ ...base, eventSourceMappings: [inserted, mapping] }, log, ['b0', 'b1', 'b2']);
  expect(handledIds(log).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2']);
  const groups = (await admin.xinfo('GROUPS', key)) as unknown[][];
  expect(groups.map((g) => g[g.indexOf('name') + 1])).toEqual([`sluice-${old}`]);
  await admin.del(key);
});
