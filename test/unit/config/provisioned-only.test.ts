// PRV-12 / SR-2 / DA-7: what Lambda allows a Kafka mapping (self-managed and MSK) in provisioned mode only, refused on
// an on-demand one by the config file, the event source mapping API and template import alike (one rule set).
import { describe, expect, it } from 'vitest';
import { compileApiMapping } from '../../../src/config/api-mapping.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { checkImported, importTemplate } from '../../../src/import/index.js';
import { options } from '../import/kit.js';

const msk = 'arn:aws:kafka:us-east-1:000000000000:cluster/orders/11111111-2222-3333-4444-555555555555-1';
const ON = { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 } };
const REGISTRY = { SchemaRegistryURI: 'https://registry.example.com:8081', EventRecordFormat: 'JSON' };
const ONLY_PROVISIONED: Array<[string, object]> = [
  ['MaximumRetryAttempts', { MaximumRetryAttempts: 3 }],
  ['MaximumRecordAgeInSeconds', { MaximumRecordAgeInSeconds: 60 }],
  ['BisectBatchOnFunctionError', { BisectBatchOnFunctionError: true }],
  ['FunctionResponseTypes', { FunctionResponseTypes: ['ReportBatchItemFailures'] }],
  ['DestinationConfig.OnFailure.Destination', { DestinationConfig: { OnFailure: { Destination: 'kafka://dlq' } } }],
];
const selfManaged = (fields: object) => ({
  FunctionName: 'f',
  EventSourceArn: 'kafka://t',
  StartingPosition: 'LATEST',
  SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' },
  ...fields,
});
const load = (mappings: object[]) =>
  loadConfigText(
    JSON.stringify({
      connections: {
        kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'] },
        sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' },
      },
      functions: { f: { Handler: 'x.handler', Timeout: 5 } },
      eventSourceMappings: mappings,
    }),
    'test.json',
    {},
  );
const problems = (mappings: object[]) => load(mappings).problems.map((p) => `${p.path}: ${p.message}`);
const needs = (field: string) =>
  `eventSourceMappings[0].${field}: requires provisioned mode (ProvisionedPollerConfig) for kafka sources`;

describe('provisioned-only Kafka settings (PRV-12, SR-2, DA-7)', () => {
  it('PRV-12 KAF-13 KAF-16 an on-demand Kafka mapping refuses retry, age, bisect, partial responses, a kafka:// destination', () => {
    for (const [field, fields] of ONLY_PROVISIONED) {
      expect(problems([selfManaged(fields)])).toEqual([needs(field)]);
      expect(problems([selfManaged({ ...fields, ...ON })])).toEqual([]);
    }
  });

  it('PRV-12 explicit defaults (-1, false, no response types) and SQS/SNS/S3 destinations stay allowed on demand', () => {
    const defaults = {
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: [],
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
    };
    expect(problems([selfManaged(defaults)])).toEqual([]);
  });

  it('SR-2 a schema registry needs provisioned mode (self-managed and MSK forms)', () => {
    expect(problems([selfManaged({ SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: REGISTRY } })])).toEqual([
      needs('SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig'),
    ]);
    const mskMapping = {
      FunctionName: 'f',
      EventSourceArn: msk,
      Connection: 'kafka',
      Topics: ['orders'],
      StartingPosition: 'LATEST',
      AmazonManagedKafkaEventSourceConfig: { SchemaRegistryConfig: REGISTRY },
    };
    expect(problems([mskMapping])).toEqual([needs('AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig')]);
    expect(problems([{ ...mskMapping, ...ON }])).toEqual([]);
  });

  it('PRV-12 SR-2 CreateEventSourceMapping refuses them with a message naming the parameter', () => {
    const config = load([]).config!;
    const r = compileApiMapping(
      config,
      { UUID: '0f8fad5b-d9cb-469f-a165-70867728950e', ...selfManaged({ MaximumRetryAttempts: 2 }) },
      [],
    );
    expect(r.mapping).toBeUndefined();
    expect(r.problems).toEqual([
      'MaximumRetryAttempts: requires provisioned mode (ProvisionedPollerConfig) for kafka sources',
    ]);
  });

  it('DA-7 PRV-7 ProvisionedPollerConfig {} is refused while a provisioned-only setting stays; clearing it in the same update is accepted', () => {
    const config = load([]).config!;
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const leave = (fields: object) =>
      compileApiMapping(config, { UUID: uuid, ...selfManaged({ ...fields, ProvisionedPollerConfig: {} }) }, []);
    expect(leave({ BisectBatchOnFunctionError: true }).problems).toEqual([
      'BisectBatchOnFunctionError: requires provisioned mode (ProvisionedPollerConfig) for kafka sources; clear it to leave provisioned mode (ProvisionedPollerConfig: {})',
    ]);
    expect(
      leave({ SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g', SchemaRegistryConfig: REGISTRY } }).problems,
    ).toEqual([
      expect.stringMatching(/^SelfManagedKafkaEventSourceConfig\.SchemaRegistryConfig: requires provisioned mode/),
    ]);
    expect(leave({ LoggingConfig: { SystemLogLevel: 'WARN' } }).problems).toEqual([
      'LoggingConfig: requires provisioned mode (ProvisionedPollerConfig)',
    ]);
    expect(leave({ BisectBatchOnFunctionError: false, MaximumRetryAttempts: -1 }).problems).toEqual([]);
  });

  it('PRV-12 import: an on-demand MSK event with MaximumRetryAttempts does not pass the loader; with ProvisionedPollerConfig it does', () => {
    const template = (extra: string) => `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Runtime: nodejs22.x
      Events:
        Orders:
          Type: MSK
          Properties:
            Stream: ${msk}
            Topics: [orders]
            StartingPosition: TRIM_HORIZON
            MaximumRetryAttempts: 3${extra}
`;
    const check = (extra: string) =>
      checkImported(importTemplate(template(extra), '/app/t.yaml', options()), '/app/sluice.json', {}).problems.map(
        (p) => p.message,
      );
    expect(check('')).toContain('requires provisioned mode (ProvisionedPollerConfig) for kafka sources');
    expect(check('\n            ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 }')).toEqual([]);
  });
});
