// KAF rules that live in the config and the composition root, proven through the built service (npm run build
// first) on the real broker: defaults (KAF-5 group, KAF-8 batch size and window), KAF-14's retry cap with a
// destination, KAF-16 same-cluster kafka:// destinations, KAF-19 metrics on /metrics, KAF-9/10 config answers.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, metricValue, runCli, startService, writeConfig, type Service } from '../../e2e/service.js';
import { closeClients, sqsClient } from '../../services/inject.js';
import { kafkaBrokers } from './env.js';
import { committed, createTopicWith, produce } from './engine-kit.js';
import { rawKafka, until } from './helpers.js';
import {
  FAST_TUNING,
  fixtureFunction,
  kafkaConnection,
  outFile,
  readInvocations,
  sqsConnection,
} from './service-kit.js';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await closeClients();
});

async function start(config: object): Promise<Service> {
  const svc = await startService({ tuning: FAST_TUNING, ...config });
  services.push(svc);
  return svc;
}

/** Starts a service expected to refuse its config; one that starts anyway is stopped after the test. */
function startRefused(config: object): Promise<Service> {
  return startService(config).then((svc) => {
    services.push(svc);
    return svc;
  });
}

const handled = (file: string) => readInvocations(file).flatMap((i) => i.values);

describe('Kafka rules through the service (real broker)', () => {
  it('KAF-5/D-7 the default ConsumerGroupId is the mapping UUID, and its committed offsets win over StartingPosition on restart', async () => {
    const topic = await createTopicWith(1);
    const uuid = randomUUID();
    const out = outFile();
    const config = (startingPosition: string) => ({
      functions: { k: fixtureFunction('kafka', out) },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'k',
          Topics: [topic],
          StartingPosition: startingPosition,
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
        },
      ],
    });
    await produce(
      topic,
      ['a', 'b', 'c'].map((value) => ({ value })),
    );
    const svc = await start(config('TRIM_HORIZON'));
    await eventually(() => Promise.resolve(handled(out).length === 3 ? true : undefined), 30_000);
    await until(async () => ((await committed(uuid, topic)).get(0) === 3 ? true : undefined));
    expect(await svc.stop()).toBe(0);
    // Written while no member runs: LATEST would skip them, the group's committed offset does not.
    await produce(
      topic,
      ['d', 'e'].map((value) => ({ value })),
    );
    await start(config('LATEST'));
    await eventually(() => Promise.resolve(handled(out).length === 5 ? true : undefined), 30_000);
    expect(handled(out)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(readInvocations(out)[0]!.eventSource).toBe('SelfManagedKafka');
  });

  it('KAF-5 two Kafka mappings of one config may not share a ConsumerGroupId', async () => {
    const mapping = (topic: string) => ({
      FunctionName: 'k',
      Topics: [topic],
      StartingPosition: 'LATEST',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'shared-group' },
    });
    await expect(
      startRefused({
        functions: { k: fixtureFunction('kafka', outFile()) },
        eventSourceMappings: [mapping('topic-a'), mapping('topic-b')],
      }),
    ).rejects.toThrow(/same ConsumerGroupId \W*shared-group/);
  });

  it('KAF-8 BatchSize defaults to 100 and MaximumBatchingWindowInSeconds to 500 ms', async () => {
    const topic = await createTopicWith(1);
    const out = outFile();
    await produce(
      topic,
      Array.from({ length: 250 }, (_, i) => ({ value: String(i) })),
    );
    await start({
      connections: { kafka: kafkaConnection() },
      functions: { k: fixtureFunction('kafka', out) },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
        },
      ],
    });
    await eventually(() => Promise.resolve(handled(out).length === 250 ? true : undefined), 30_000);
    const sizes = readInvocations(out).map((i) => i.values.length);
    expect(Math.max(...sizes)).toBe(100);
    expect(handled(out)).toEqual(Array.from({ length: 250 }, (_, i) => String(i)));
    // Caught up: one new record waits for the 500 ms window before it is sent.
    const sent = Date.now();
    await produce(topic, [{ value: 'late' }]);
    await eventually(() => Promise.resolve(handled(out).includes('late') ? true : undefined), 10_000);
    const late = readInvocations(out).find((i) => i.values.includes('late'))!;
    expect(late.at - sent).toBeGreaterThanOrEqual(500);
  });

  it('KAF-14/KAF-17 infinite retries with an on-failure destination stop after 10 retries; the SQS record carries KafkaBatchInfo', async () => {
    const topic = await createTopicWith(1);
    const out = outFile();
    const sqs = sqsClient();
    const queue = `kaf14-${randomUUID()}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
    await produce(topic, [{ value: 'fail-1' }]);
    await start({
      connections: { kafka: kafkaConnection(), sqs: sqsConnection() },
      functions: { k: { ...fixtureFunction('kafkaFail', out) } },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:000000000000:${queue}` } },
        },
      ],
    });
    const body = await eventually(async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      return r.Messages?.[0]?.Body;
    }, 30_000);
    const record = JSON.parse(body) as {
      requestContext: { condition: string; approximateInvokeCount: number; functionArn: string };
      KafkaBatchInfo: { batchSize: number; recordsInfo: Record<string, unknown> };
    };
    expect(readInvocations(out)).toHaveLength(11);
    expect(record.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:k',
    });
    expect(record.KafkaBatchInfo.batchSize).toBe(1);
    expect(Object.keys(record.KafkaBatchInfo.recordsInfo)).toEqual([`${topic}-0`]);
  });

  it('KAF-14 without a destination, infinite retries go on past 10', async () => {
    const topic = await createTopicWith(1);
    const out = outFile();
    await produce(topic, [{ value: 'fail-1' }]);
    await start({
      connections: { kafka: kafkaConnection() },
      functions: { k: fixtureFunction('kafkaFail', out) },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
        },
      ],
    });
    await eventually(() => Promise.resolve(readInvocations(out).length >= 15 ? true : undefined), 30_000);
  });

  it('KAF-16/KAF-18 a kafka:// destination is produced to in the mapping own cluster (SelfManagedEventSource, no named connection)', async () => {
    const topic = await createTopicWith(1);
    const dlt = await createTopicWith(1);
    const out = outFile();
    await produce(topic, [{ key: 'k-9', value: 'fail-9' }]);
    await start({
      functions: { k: fixtureFunction('kafkaFail', out) },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          Topics: [topic],
          StartingPosition: 'TRIM_HORIZON',
          ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
          MaximumRetryAttempts: 1,
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
          DestinationConfig: { OnFailure: { Destination: `kafka://${dlt}` } },
        },
      ],
    });
    const got: Array<{ key?: string; value: { requestContext: { condition: string }; payload: unknown } }> = [];
    const consumer = rawKafka().consumer({ groupId: randomUUID() });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [dlt], fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          got.push({ key: message.key?.toString(), value: JSON.parse(message.value!.toString()) as never });
          return Promise.resolve();
        },
      });
      await until(() => Promise.resolve(got.length > 0 ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    expect(got[0]!.key).toBe('k-9');
    expect(got[0]!.value.requestContext.condition).toBe('RetriesExhausted');
    expect(readInvocations(out)).toHaveLength(2);
  });

  it('KAF-16 a mapping whose kafka:// on-failure topic is its own source topic does not start', async () => {
    const topic = await createTopicWith(1);
    await expect(
      startRefused({
        functions: { k: fixtureFunction('kafka', outFile()) },
        eventSourceMappings: [
          {
            FunctionName: 'k',
            Topics: [topic],
            StartingPosition: 'TRIM_HORIZON',
            SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
            ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
            DestinationConfig: { OnFailure: { Destination: `kafka://${topic}` } },
          },
        ],
      }),
    ).rejects.toThrow(/on-failure topic .* is a source topic/);
  });

  it('KAF-19 OffsetLag (sum and max per mapping) and the committed event count are on /metrics', async () => {
    const topic = await createTopicWith(3);
    const uuid = randomUUID();
    const out = outFile();
    // Partitions 0 and 1 stay stuck retrying (lag 4 and 2); partition 2 is handled and committed.
    await produce(topic, [
      ...Array.from({ length: 4 }, (_, i) => ({ partition: 0, value: `fail-a${i}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ partition: 1, value: `fail-b${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ partition: 2, value: `ok-${i}` })),
    ]);
    const svc = await start({
      connections: { kafka: kafkaConnection({ lagIntervalMs: 200 }) },
      functions: { k: fixtureFunction('kafkaFail', out) },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
        },
      ],
    });
    const labels = { mapping: uuid, function: 'k', source: 'kafka' };
    const metric = (name: string) => metricValue(svc.url, name, labels);
    await eventually(async () => ((await metric('sluice_committed_events_total')) === 3 ? true : undefined), 30_000);
    await eventually(async () => ((await metric('sluice_offset_lag')) === 6 ? true : undefined), 10_000);
    expect(await metric('sluice_offset_lag_max')).toBe(4);
  });

  it('KAF-9/KAF-11/PRV-3 per-partition concurrency and out-of-range provisioned pollers are refused by validate', async () => {
    const base = {
      FunctionName: 'k',
      Topics: ['orders'],
      StartingPosition: 'LATEST',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:9092'] } },
    };
    const file = await writeConfig({
      functions: { k: fixtureFunction('kafka', outFile()) },
      eventSourceMappings: [
        { ...base, ParallelizationFactor: 2 },
        { ...base, ProvisionedPollerConfig: { MaximumPollers: 2001 } },
      ],
    });
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/eventSourceMappings\[0\]\.ParallelizationFactor.*not supported for kafka/);
    expect(r.stderr).toMatch(/eventSourceMappings\[1\]\.ProvisionedPollerConfig\.MaximumPollers.*between 1 and 2000/);
  });
});
