// Config reload (#18 item 3) on a real Kafka broker: a mapping changed by a reload finishes its in-flight batches,
// restarts under its UUID and therefore its consumer group, and resumes at the committed offsets — nothing is
// read twice, nothing skipped. A mapping added by the reload starts; one removed stops.
import { logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import type { CompiledConfig } from '../../../src/config/compile.js';
import { createLogger } from '../../../src/observability/logger.js';
import { FAULT_FIXTURES, readRecords, recordLog } from '../../faults/harness.js';
import { closeClients, kafka, servers, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

function compile(config: object): CompiledConfig {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'reload.json');
  expect(loaded.problems).toEqual([]);
  return loaded.config!;
}

it('DEV-reload Kafka: a changed mapping keeps its UUID and consumer group; no record is read twice', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('reload');
  const admin = client.admin();
  await admin.connect();
  const producer = client.producer();
  const log = recordLog();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    const send = (ids: string[]) =>
      producer.send({ topic, acks: -1, messages: ids.map((id) => ({ value: JSON.stringify({ id }) })) });
    const config = (batchSize: number, extra: object[] = []) => ({
      connections: {
        kafka: { type: 'kafka', brokers: servers().kafka.brokers, consumer: { heartbeatIntervalMs: 500 } },
      },
      functions: {
        rec: {
          Handler: 'handlers.recorder',
          CodeUri: FAULT_FIXTURES,
          Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '20' } },
        },
      },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: batchSize,
        },
        ...extra,
      ],
    });
    const handled = () => readRecords(log).map((r) => r.id);
    const app = await startApp(compile(config(2)), createLogger('silent'));
    try {
      const [uuid] = app.config.mappings.map((m) => m.uuid);
      const first = Array.from({ length: 20 }, (_, i) => `a${i}`);
      await send(first);
      await expect.poll(() => handled().length, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
      // Applied while batches of the first records are in flight.
      await app.reload(compile(config(5, [{ FunctionName: 'rec', EventSourceArn: 'memory://queue/added' }])));
      expect(app.config.mappings.map((m) => m.uuid)[0]).toBe(uuid);
      expect(app.config.mappings.find((m) => m.uuid === uuid)?.batchSize).toBe(5);
      expect(app.config.mappings).toHaveLength(2);
      const second = Array.from({ length: 10 }, (_, i) => `b${i}`);
      await send(second);
      const all = [...first, ...second];
      await expect.poll(() => all.every((id) => handled().includes(id)), { timeout: 60_000, interval: 100 }).toBe(true);
      expect(handled().sort()).toEqual(all.sort());
      // The offsets are those of the mapping's own group (commits follow the handled batches).
      const committed = async () =>
        (await admin.fetchOffsets({ groupId: uuid!, topics: [topic] }))[0]?.partitions[0]?.offset;
      await expect.poll(committed, { timeout: 30_000, interval: 200 }).toBe('30');

      await app.reload(compile(config(5)));
      expect(app.config.mappings.map((m) => m.uuid)).toEqual([uuid]);
    } finally {
      await app.stop('test');
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
});
