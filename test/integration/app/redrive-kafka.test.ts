// #21 redrive of Kafka on-failure records on real servers (Kafka 4, ElasticMQ): a poison batch's KafkaBatchInfo
// names offset ranges; `sluice redrive` reads exactly those back through a throwaway consumer group (the mapping's
// group keeps its offsets) and invokes the function with the mapping's event. A range removed by deleteTopicRecords is
// skipped with the reason and stays in the destination.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import type { RedriveProgress } from '../../../src/app/redrive.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, servers, sqsClient, uniqueName } from '../../services/inject.js';
import { createTopic, rawKafka } from '../kafka/helpers.js';
import { kafkaConnection, sqsConnection } from '../kafka/service-kit.js';

afterAll(closeClients);

const FIXTURES = path.resolve('test/fixtures/redrive');

async function depth(url: string): Promise<number> {
  const r = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(r.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** A topic, a failing function whose Kafka mapping sends failures to an SQS queue, and `sluice redrive` against it. */
async function scenario(mappingExtra: object = {}, registryAuth: object = {}) {
  const kafka = rawKafka();
  const topic = await createTopic(kafka, 1);
  const name = uniqueName('redrive-kaf');
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
  const dlq = { arn: `arn:aws:sqs:us-east-1:000000000000:${name}`, url: QueueUrl! };
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-redrive-'));
  const log = path.join(dir, 'handled.log');
  const fail = path.join(dir, 'FAIL');
  const handled = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  writeFileSync(fail, '');
  const uuid = randomUUID(); // the mapping's consumer group
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const committed = async () =>
    (await admin.fetchOffsets({ groupId: uuid, topics: [topic] }))[0]?.partitions[0]?.offset;
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      tuning: { streamPollIntervalMs: 50 },
      connections: { kafka: { ...kafkaConnection(), ...registryAuth }, sqs: sqsConnection() },
      functions: {
        fn: {
          Handler: 'handlers.handler',
          CodeUri: FIXTURES,
          Environment: { Variables: { REDRIVE_LOG: log, REDRIVE_FAIL: fail } },
        },
      },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'fn',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
          // Retry controls on Kafka need provisioned mode (PRV-12); one poller reads like an on-demand mapping.
          ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
          MaximumRetryAttempts: 0,
          DestinationConfig: { OnFailure: { Destination: dlq.arn } },
          ...mappingExtra,
        },
      ],
    }),
    'redrive-kafka.json',
  );
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  const url = `http://127.0.0.1:${app.address().port}`;
  const cli = async (...args: string[]) => {
    let out = '';
    const code = await runCli(['redrive', ...args, '--url', url], {
      stdout: (s) => (out += s),
      stderr: () => undefined,
      env: {},
    });
    return { code, report: JSON.parse(out) as RedriveProgress };
  };
  const stop = async () => {
    await app.stop('test');
    await producer.disconnect();
    await admin.disconnect();
  };
  return { kafka, topic, dlq, fail, handled, admin, producer, committed, cli, stop };
}

it('#21 redrive Kafka on-failure records (KAF-17 KafkaBatchInfo): exactly the named offsets are read back without the mapping group and replayed once; a range removed by deleteTopicRecords is skipped (no longer in the topic) and stays', async () => {
  const { topic, dlq, fail, handled, admin, producer, committed, cli, stop } = await scenario();
  const produce = (ids: string[]) =>
    producer.send({ topic, messages: ids.map((id) => ({ value: JSON.stringify({ id }) })) });
  try {
    // Offsets 0-1 fail, reach the destination, then are deleted from the topic.
    await produce(['g0', 'g1']);
    await expect.poll(committed, { timeout: 60_000, interval: 200 }).toBe('2');
    const gone = await depth(dlq.url);
    expect(gone).toBeGreaterThan(0);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
    // Offsets 2-4 fail too (the poison batch), and stay in the topic.
    await produce(['k0', 'k1', 'k2']);
    await expect.poll(committed, { timeout: 60_000, interval: 200 }).toBe('5');
    const kept = (await depth(dlq.url)) - gone;
    expect(kept).toBeGreaterThan(0);
    expect(handled()).toEqual([]);

    const dry = await cli('--from', dlq.arn, '--to', 'fn', '--dry-run');
    expect(dry.report).toMatchObject({ seen: gone + kept, replayed: 0, skipped: gone });
    expect(dry.report.items.filter((i) => i.result === 'would').map((i) => i.detail)).toEqual(
      Array(kept).fill(expect.stringMatching(new RegExp(`^invoke fn with \\d+ records of ${topic}-0 `))),
    );

    rmSync(fail); // the handler is fixed
    const r = await cli('--from', dlq.arn, '--to', 'fn');
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ status: 'done', seen: gone + kept, replayed: kept, failed: 0, skipped: gone });
    expect(r.report.items).toEqual(
      Array(gone).fill(
        expect.objectContaining({
          result: 'skipped',
          detail: expect.stringContaining('no longer in the topic') as string,
        }),
      ),
    );
    expect(handled()).toEqual(['k0', 'k1', 'k2']);
    expect(await depth(dlq.url)).toBe(gone);
    // The mapping's group was not moved, and the redrive's own groups are gone.
    expect(await committed()).toBe('5');
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.startsWith('sluice-redrive-'))).toEqual([]);
  } finally {
    await stop();
  }
}, 120_000);

it('#21 redrive of a Kafka mapping with SchemaRegistryConfig (DA-9): the records read back are decoded as the mapping decodes them (Avro to base64 JSON)', async () => {
  const { url, username, password } = servers().schemaregistry;
  const registryConfig = {
    SchemaRegistryURI: url,
    AccessConfigs: [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:sr' }],
    EventRecordFormat: 'JSON',
    SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
  };
  const { topic, dlq, fail, handled, producer, committed, cli, stop } = await scenario(
    { SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: registryConfig } },
    { schemaRegistry: { username, password } },
  );
  try {
    const registry = new SchemaRegistry({ host: url, auth: { username, password } });
    const schema = {
      type: 'record',
      name: 'Item',
      namespace: 'sluice.redrive',
      fields: [{ name: 'id', type: 'string' }],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `${topic}-value` },
    );
    const ids = ['s0', 's1'];
    await producer.send({
      topic,
      messages: await Promise.all(ids.map(async (v) => ({ value: await registry.encode(id, { id: v }) }))),
    });
    await expect.poll(committed, { timeout: 60_000, interval: 200 }).toBe('2');
    const failures = await depth(dlq.url);
    expect(failures).toBeGreaterThan(0);

    rmSync(fail);
    const r = await cli('--from', dlq.arn, '--to', 'fn');
    expect(r.report).toMatchObject({ status: 'done', seen: failures, replayed: failures, failed: 0, skipped: 0 });
    // The handler parses each value as base64 JSON: Avro bytes would give no id.
    expect(handled()).toEqual(ids);
    expect(await depth(dlq.url)).toBe(0);
  } finally {
    await stop();
  }
}, 120_000);
