// SR-1 over the event source mapping API (real broker, real schema registry, the BUILT sluice): a Kafka mapping
// created with SchemaRegistryConfig decodes Avro records, Get shows the config, and UpdateEventSourceMapping may
// change it (EventRecordFormat JSON → SOURCE) but not the ConsumerGroupId.
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { servers } from '../../services/inject.js';
import { kafkaBrokers } from '../kafka/env.js';
import { createTopic, rawKafka } from '../kafka/helpers.js';
import { fixtureFunction, outFile, readInvocations } from '../kafka/service-kit.js';

const out = outFile();
let svc: Service | undefined;

afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
});

const seen = (): string[] => readInvocations(out).flatMap((i) => i.values);

const ORDER = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'status', type: 'string' },
  ],
};

it('SR-1 a Kafka mapping created over the API with SchemaRegistryConfig decodes Avro; Update changes EventRecordFormat, not ConsumerGroupId', async () => {
  const kafka = rawKafka();
  const topic = await createTopic(kafka, 1);
  const { url, username, password } = servers().schemaregistry;
  const registry = new SchemaRegistry({ host: url, auth: { username, password } });
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER) },
    { subject: `${topic}-value` },
  );
  svc = await startService({
    connections: { kafka: { type: 'kafka', brokers: kafkaBrokers(), schemaRegistry: { username, password } } },
    functions: { k: fixtureFunction('kafka', out) },
  });
  const lambda = new LambdaClient({
    endpoint: svc.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  const enabled = (uuid: string) =>
    eventually(async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === 'Enabled' ? m : undefined;
    }, 60_000);
  const producer = kafka.producer();
  await producer.connect();
  const produce = async (order: { id: string; status: string }) =>
    producer.send({ topic, messages: [{ value: await registry.encode(id, order) }] });
  const registryConfig = {
    SchemaRegistryURI: url,
    AccessConfigs: [{ Type: 'BASIC_AUTH' as const, URI: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:sr' }],
    EventRecordFormat: 'JSON' as const,
    SchemaValidationConfigs: [{ Attribute: 'VALUE' as const }],
  };
  try {
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'k',
        EventSourceArn: `kafka://${topic}`,
        StartingPosition: 'TRIM_HORIZON',
        // SR-2: a schema registry needs provisioned mode (one consumer: as on-demand).
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
        SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: registryConfig },
      }),
    );
    const uuid = created.UUID!;
    const group = created.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
    expect(created.SelfManagedKafkaEventSourceConfig?.SchemaRegistryConfig).toEqual(registryConfig);
    await enabled(uuid);
    await produce({ id: 'a-1', status: 'NEW' });
    await eventually(() => Promise.resolve(seen().length === 1 ? true : undefined), 60_000);
    expect(JSON.parse(seen()[0]!)).toEqual({ id: 'a-1', status: 'NEW' });

    await expect(
      lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: uuid,
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'another-group' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });

    const source = { ...registryConfig, EventRecordFormat: 'SOURCE' as const };
    await lambda.send(
      new UpdateEventSourceMappingCommand({
        UUID: uuid,
        SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: source },
      }),
    );
    const after = await enabled(uuid);
    expect(after.SelfManagedKafkaEventSourceConfig).toEqual({ ConsumerGroupId: group, SchemaRegistryConfig: source });
    await produce({ id: 'b-1', status: 'PAID' });
    await eventually(() => Promise.resolve(seen().length === 2 ? true : undefined), 60_000);
    // SOURCE: the Avro binary without the 5-byte registry header (strings as length-prefixed bytes, not JSON).
    const framed = await registry.encode(id, { id: 'b-1', status: 'PAID' });
    expect(seen()[1]).toBe(framed.subarray(5).toString('utf8'));
  } finally {
    await producer.disconnect();
  }
});
