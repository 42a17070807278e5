// SR-1..SR-6 configuration: SchemaRegistryConfig in a config file's Kafka mapping (validate errors, what it compiles
// to, how Get shows it) and SR-1's update rule (SchemaRegistryConfig may change, ConsumerGroupId may not).
import { describe, expect, it } from 'vitest';
import { kafkaMappingFields } from '../../../../connectors/kafka/index.js';
import { kafkaConfigUpdate } from '../../../../src/app/mapping-fields.js';
import { loadConfigText } from '../../../../src/config/loader.js';

const REGISTRY = {
  SchemaRegistryURI: 'https://registry.example.com:8081',
  AccessConfigs: [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:sr-creds' }],
  EventRecordFormat: 'JSON',
  SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
};

function load(schemaRegistry: unknown, where = 'SelfManagedKafkaEventSourceConfig') {
  return loadConfigText(
    JSON.stringify({
      connections: {
        kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'], schemaRegistry: { username: 'u', password: 'p' } },
      },
      functions: { f: { Handler: 'functions/hello.handler' } },
      eventSourceMappings: [
        {
          FunctionName: 'f',
          EventSourceArn: 'kafka://orders',
          StartingPosition: 'TRIM_HORIZON',
          // SR-2: a schema registry needs provisioned mode (one consumer: as on-demand).
          ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 },
          [where]: { SchemaRegistryConfig: schemaRegistry },
        },
      ],
    }),
    'test.json',
    {},
  );
}

describe('SR-1 SchemaRegistryConfig in the config', () => {
  it('SR-1 SR-3 SR-4 a Confluent registry URL with BASIC_AUTH and the connection credentials validates', () => {
    expect(load(REGISTRY).problems).toEqual([]);
    expect(load(REGISTRY, 'AmazonManagedKafkaEventSourceConfig').problems).toEqual([]);
  });

  it('SR-3 an AWS Glue registry ARN is a clear validate error (no Glue-compatible endpoint in sluice)', () => {
    const { problems } = load({
      ...REGISTRY,
      SchemaRegistryURI: 'arn:aws:glue:us-east-1:111122223333:registry/orders',
    });
    expect(problems.map((p) => p.path)).toEqual([
      'eventSourceMappings[0].SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaRegistryURI',
    ]);
    expect(problems[0]!.message).toMatch(/Glue.*not supported/);
  });

  it('SR-3 SR-4 SR-5 SR-6 a URI that is no URL, an unknown access type or format, a repeated attribute are refused', () => {
    expect(load({ SchemaRegistryURI: 'registry:8081' }).problems.length).toBe(1);
    expect(load({ ...REGISTRY, AccessConfigs: [{ Type: 'SASL_SCRAM_512_AUTH', URI: 'x' }] }).problems.length).toBe(1);
    expect(load({ ...REGISTRY, EventRecordFormat: 'AVRO' }).problems.length).toBe(1);
    const twice = load({ ...REGISTRY, SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'KEY' }] });
    expect(twice.problems.map((p) => p.message)).toEqual([expect.stringMatching(/once/)]);
  });

  it('SR-5 SR-6 settings: JSON and VALUE by default; Get shows the config back', () => {
    const fields = {
      SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: { SchemaRegistryURI: 'http://r:8081' } },
    };
    const settings = kafkaMappingFields.settings(fields, 'kafka://orders') as Record<string, unknown>;
    expect(settings.schemaRegistry).toEqual({ uri: 'http://r:8081', format: 'JSON', key: false, value: true });
    const shown = kafkaMappingFields.render(settings, 'g');
    expect(shown.SelfManagedKafkaEventSourceConfig).toEqual({
      ConsumerGroupId: 'g',
      SchemaRegistryConfig: {
        SchemaRegistryURI: 'http://r:8081',
        EventRecordFormat: 'JSON',
        SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
      },
    });
  });
});

describe('SR-1 UpdateEventSourceMapping', () => {
  const stored = { ConsumerGroupId: 'g', SchemaRegistryConfig: REGISTRY };

  it('SR-1 SchemaRegistryConfig may change (merged into the stored object) or be removed with null', () => {
    const next = { ...REGISTRY, EventRecordFormat: 'SOURCE' };
    expect(kafkaConfigUpdate('SelfManagedKafkaEventSourceConfig', { SchemaRegistryConfig: next }, stored)).toEqual({
      value: { ConsumerGroupId: 'g', SchemaRegistryConfig: next },
    });
    expect(kafkaConfigUpdate('AmazonManagedKafkaEventSourceConfig', { SchemaRegistryConfig: null }, stored)).toEqual({
      value: { ConsumerGroupId: 'g' },
    });
  });

  it('SR-1 ConsumerGroupId stays as created; other fields are not this rule', () => {
    const r = kafkaConfigUpdate('SelfManagedKafkaEventSourceConfig', { ConsumerGroupId: 'other' }, stored);
    expect(r !== undefined && 'problem' in r ? r.problem : '').toMatch(/ConsumerGroupId cannot be updated/);
    expect(kafkaConfigUpdate('SelfManagedKafkaEventSourceConfig', { ConsumerGroupId: 'g' }, stored)).toEqual({
      value: stored,
    });
    expect(kafkaConfigUpdate('Topics', ['x'], undefined)).toBeUndefined();
  });
});
