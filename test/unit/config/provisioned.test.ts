// Provisioned mode, LoggingConfig and MetricsConfig per source (spec 2025 §2, §6, DA-5, DA-15) and the refused
// Kinesis enhanced fan-out consumer ARN (EFO-1), in the config file and in the event source mapping API.
import { describe, expect, it } from 'vitest';
import { MappingStateBoard, toMappingConfiguration } from '../../../src/app/mapping-view.js';
import { compileApiMapping } from '../../../src/config/api-mapping.js';
import { loadConfigText } from '../../../src/config/loader.js';

const queue = 'arn:aws:sqs:us-east-1:000000000000:q';
const kafkaMapping = (fields: object, group = 'g') => ({
  FunctionName: 'f',
  EventSourceArn: 'kafka://t',
  StartingPosition: 'LATEST',
  SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
  ...fields,
});
const load = (mappings: object[]) =>
  loadConfigText(
    JSON.stringify({
      connections: {
        sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' },
        kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'] },
        kinesis: { type: 'kinesis', endpoint: 'http://127.0.0.1:4567' },
        rabbitmq: { type: 'rabbitmq', url: 'amqp://127.0.0.1:5672' },
      },
      functions: { f: { Handler: 'x.handler', Timeout: 5 } },
      eventSourceMappings: mappings,
    }),
    'test.json',
    {},
  );
const problems = (mappings: object[]) => load(mappings).problems.map((p) => `${p.path}: ${p.message}`);
const sqs = (fields: object) => ({ FunctionName: 'f', EventSourceArn: queue, ...fields });

describe('provisioned mode configuration', () => {
  it('PRV-2 SQS: MinimumPollers 2-200, MaximumPollers 2-10000, defaults 2 and 200 (DA-15)', () => {
    expect(problems([sqs({ ProvisionedPollerConfig: { MinimumPollers: 1 } })])).toEqual([
      'eventSourceMappings[0].ProvisionedPollerConfig.MinimumPollers: must be between 2 and 200 for sqs sources',
    ]);
    expect(problems([sqs({ ProvisionedPollerConfig: { MaximumPollers: 10_000 } })])).toEqual([]);
    expect(problems([sqs({ ProvisionedPollerConfig: { MaximumPollers: 10_001 } })])[0]).toMatch(
      /MaximumPollers: .*10000/,
    );
    const r = load([
      sqs({ ProvisionedPollerConfig: {} }),
      sqs({ EventSourceArn: `${queue}2`, ProvisionedPollerConfig: { MaximumPollers: 7 } }),
    ]);
    expect(r.problems).toEqual([]);
    // PRV-5: {} is on-demand mode.
    expect(r.config!.mappings[0]!.provisioned).toBeUndefined();
    expect(r.config!.mappings[1]!.provisioned).toEqual({ minimumPollers: 2, maximumPollers: 7 });
    const view = toMappingConfiguration(r.config!, r.config!.mappings[1]!, new MappingStateBoard(), 0);
    expect(view.ProvisionedPollerConfig).toEqual({ MinimumPollers: 2, MaximumPollers: 7 });
    expect(toMappingConfiguration(r.config!, r.config!.mappings[0]!, new MappingStateBoard(), 0)).not.toHaveProperty(
      'ProvisionedPollerConfig',
    );
  });

  it('PRV-6 SQS: ScalingConfig and ProvisionedPollerConfig exclude each other; MinimumPollers <= MaximumPollers', () => {
    expect(
      problems([sqs({ ScalingConfig: { MaximumConcurrency: 5 }, ProvisionedPollerConfig: { MinimumPollers: 2 } })]),
    ).toEqual(['eventSourceMappings[0].ProvisionedPollerConfig: cannot be set together with ScalingConfig']);
    expect(problems([sqs({ ProvisionedPollerConfig: { MinimumPollers: 9, MaximumPollers: 3 } })])).toEqual([
      'eventSourceMappings[0].ProvisionedPollerConfig: MinimumPollers must not exceed MaximumPollers',
    ]);
  });

  it('PRV-3/PRV-4 Kafka: MinimumPollers 1-200, MaximumPollers 1-2000 (defaults 1 and 200), PollerGroupName', () => {
    const r = load([kafkaMapping({ ProvisionedPollerConfig: { PollerGroupName: 'grp-1' } })]);
    expect(r.problems).toEqual([]);
    expect(r.config!.mappings[0]!.provisioned).toEqual({
      minimumPollers: 1,
      maximumPollers: 200,
      pollerGroupName: 'grp-1',
    });
    expect(problems([kafkaMapping({ ProvisionedPollerConfig: { MaximumPollers: 2001 } })])).toEqual([
      'eventSourceMappings[0].ProvisionedPollerConfig.MaximumPollers: must be between 1 and 2000 for kafka sources',
    ]);
    expect(problems([kafkaMapping({ ProvisionedPollerConfig: { PollerGroupName: 'a b' } })])[0]).toMatch(
      /PollerGroupName/,
    );
    // The group's MaximumPollers add up to at most 2,000.
    const grouped = (g: string, max: number) =>
      kafkaMapping({ ProvisionedPollerConfig: { PollerGroupName: 'shared', MaximumPollers: max } }, g);
    expect(problems([grouped('a', 1500), grouped('b', 600)])).toEqual([
      'eventSourceMappings[1].ProvisionedPollerConfig.PollerGroupName: poller group "shared": MaximumPollers add up to 2100, over 2000',
    ]);
  });

  it('DA-5 ProvisionedPollerConfig on other sources, PollerGroupName on SQS, and LoggingConfig off Kafka provisioned are refused', () => {
    const stream = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
    expect(
      problems([
        { FunctionName: 'f', EventSourceArn: stream, StartingPosition: 'LATEST', ProvisionedPollerConfig: {} },
        sqs({ ProvisionedPollerConfig: { PollerGroupName: 'g' } }),
        sqs({ FunctionName: 'f', LoggingConfig: { SystemLogLevel: 'WARN' } }),
        kafkaMapping({ LoggingConfig: { SystemLogLevel: 'WARN' } }),
        kafkaMapping({ LoggingConfig: { SystemLogLevel: 'DEBUG' }, ProvisionedPollerConfig: {} }, 'h'),
      ]),
    ).toEqual([
      'eventSourceMappings[0].ProvisionedPollerConfig: not supported for kinesis sources (provisioned mode is for SQS and Kafka)',
      'eventSourceMappings[1].ProvisionedPollerConfig.PollerGroupName: not supported for sqs sources',
      'eventSourceMappings[2].LoggingConfig: not supported for sqs sources (Kafka mappings in provisioned mode only)',
      'eventSourceMappings[3].LoggingConfig: requires provisioned mode (ProvisionedPollerConfig)',
      'eventSourceMappings[4].LoggingConfig: requires provisioned mode (ProvisionedPollerConfig)',
    ]);
    const ok = load([
      kafkaMapping({ LoggingConfig: { SystemLogLevel: 'WARN' }, ProvisionedPollerConfig: { MinimumPollers: 1 } }),
    ]);
    expect(ok.problems).toEqual([]);
    expect(ok.config!.mappings[0]!.systemLogLevel).toBe('WARN');
  });

  it('MET-2/DA-5 MetricsConfig: ErrorCount and KafkaMetrics on Kafka only, none on MQ', () => {
    expect(
      problems([
        sqs({ MetricsConfig: { Metrics: ['EventCount', 'ErrorCount'] } }),
        kafkaMapping({ MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] } }),
        {
          FunctionName: 'f',
          EventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1',
          Queues: ['q'],
          MetricsConfig: { Metrics: ['EventCount'] },
        },
      ]),
    ).toEqual([
      'eventSourceMappings[0].MetricsConfig.Metrics: ErrorCount is not available for sqs sources',
      'eventSourceMappings[2].MetricsConfig: not supported for rabbitmq sources',
    ]);
  });
});

describe('Kinesis enhanced fan-out', () => {
  const consumer = 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1700000000';

  it('EFO-1 a consumer ARN is refused by validate with a message saying enhanced fan-out is not supported', () => {
    const r = load([{ FunctionName: 'f', EventSourceArn: consumer, StartingPosition: 'LATEST' }]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.path).toBe('eventSourceMappings[0].EventSourceArn');
    expect(r.problems[0]!.message).toMatch(/enhanced fan-out consumer ARNs .* are not supported/);
  });

  it('EFO-1 CreateEventSourceMapping refuses a consumer ARN (InvalidParameterValueException message)', () => {
    const config = load([]).config!;
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const r = compileApiMapping(
      config,
      { UUID: uuid, FunctionName: 'f', EventSourceArn: consumer, StartingPosition: 'LATEST' },
      [],
    );
    expect(r.mapping).toBeUndefined();
    expect(r.problems).toEqual([expect.stringMatching(/^EventSourceArn: Kinesis enhanced fan-out .* not supported/)]);
  });
});

describe('Kafka provisioned scaling step (DA-6)', () => {
  it('DA-6 adds up to ceil(n/2)+1 pollers under lag, toward the ceiling; removes one when idle, down to the floor', async () => {
    const { nextPollerCount } = await import('../../../connectors/kafka/poller-group.js');
    expect(nextPollerCount(1, 10, 200, 1, false)).toBe(3);
    expect(nextPollerCount(3, 10, 200, 1, false)).toBe(6);
    expect(nextPollerCount(6, 10, 8, 1, false)).toBe(8);
    expect(nextPollerCount(8, 0, 8, 2, false)).toBe(8);
    expect(nextPollerCount(8, 0, 8, 2, true)).toBe(7);
    expect(nextPollerCount(2, 0, 8, 2, true)).toBe(2);
  });
});
