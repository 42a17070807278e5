// The event source mapping API on a Kafka topic (real broker), with @aws-sdk/client-lambda against the BUILT sluice
// with Redis state: records flow, an update restarts the mapping under its UUID and keeps the consumer group's
// offsets, disable/enable loses nothing, delete removes it.
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { servers, uniqueName } from '../../services/inject.js';
import { kafkaBrokers } from '../kafka/env.js';
import { createTopic, rawKafka } from '../kafka/helpers.js';
import { fixtureFunction, outFile, readInvocations } from '../kafka/service-kit.js';

const out = outFile();
let svc: Service | undefined;

afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
});

const seen = (prefix: string): string[] =>
  readInvocations(out)
    .flatMap((i) => i.values)
    .filter((v) => v.startsWith(prefix));

it('ESMAPI-1/3/5/6 a Kafka mapping created over the API: records flow; Update keeps the offsets; Enabled false/true loses nothing; Delete', async () => {
  const kafka = rawKafka();
  const topic = await createTopic(kafka, 2);
  svc = await startService({
    connections: { redis: { type: 'redis', url: servers().redis.url } },
    state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('esmapi-kafka') },
    functions: { k: fixtureFunction('kafka', out) },
  });
  const lambda = new LambdaClient({
    endpoint: svc.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  const state = async (uuid: string, want: string) =>
    eventually(async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === want ? m : undefined;
    }, 60_000);
  const producer = kafka.producer();
  await producer.connect();
  const produce = (values: string[]) => producer.send({ topic, messages: values.map((value) => ({ value })) });
  const allSeen = (prefix: string, n: number) =>
    eventually(() => Promise.resolve(new Set(seen(prefix)).size === n ? true : undefined), 60_000);
  try {
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'k',
        Topics: [topic],
        StartingPosition: 'TRIM_HORIZON',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: kafkaBrokers() } },
      }),
    );
    expect(created.State).toBe('Creating');
    const uuid = created.UUID!;
    // ESMAPI-15: stream defaults echoed.
    expect(created).toMatchObject({ BatchSize: 100, StartingPosition: 'TRIM_HORIZON', Topics: [topic] });
    const group = created.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
    expect(group).toBeDefined();
    await state(uuid, 'Enabled');
    const first = Array.from({ length: 10 }, (_, i) => `a-${i}`);
    await produce(first);
    await allSeen('a-', 10);

    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 }));
    expect(updated.State).toBe('Updating');
    const after = await state(uuid, 'Enabled');
    expect(after.BatchSize).toBe(5);
    expect(after.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId).toBe(group);
    await produce(Array.from({ length: 10 }, (_, i) => `b-${i}`));
    await allSeen('b-', 10);
    // The restarted mapping went on from the committed offsets: nothing of the first batch came again.
    expect(seen('a-').sort()).toEqual([...first].sort());

    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await state(uuid, 'Disabled');
    await produce(Array.from({ length: 5 }, (_, i) => `c-${i}`));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(seen('c-')).toEqual([]);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await state(uuid, 'Enabled');
    await allSeen('c-', 5);

    expect((await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }))).State).toBe('Deleting');
    await eventually(
      () =>
        lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })).then(
          () => undefined,
          (err: Error) => (err.name === 'ResourceNotFoundException' ? true : undefined),
        ),
      30_000,
    );
  } finally {
    await producer.disconnect();
  }
});
