import { describe, expect, it } from 'vitest';
import { MappingStateBoard, toMappingConfiguration } from '../../../src/app/mapping-view.js';
import { loadConfigText } from '../../../src/config/loader.js';

function compiled(mappings: object[]) {
  const r = loadConfigText(
    JSON.stringify({
      connections: {
        sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' },
        kinesis: { type: 'kinesis', endpoint: 'http://127.0.0.1:4567' },
      },
      functions: { f: { Handler: 'x.handler', Timeout: 5 } },
      eventSourceMappings: mappings,
    }),
    'test.json',
    {},
  );
  if (r.config === undefined) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe('EventSourceMappingConfiguration view', () => {
  it('API-5 an SQS mapping shows its settings and State, without stream fields', () => {
    const config = compiled([
      {
        FunctionName: 'f',
        EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q',
        BatchSize: 50,
        MaximumBatchingWindowInSeconds: 2,
        ScalingConfig: { MaximumConcurrency: 4 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ]);
    const m = config.mappings[0]!;
    const states = new MappingStateBoard();
    states.set(m.uuid, 'Enabled');
    expect(toMappingConfiguration(config, m, states, 1_700_000_000_000)).toEqual({
      UUID: m.uuid,
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 2,
      EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      LastModified: 1_700_000_000,
      State: 'Enabled',
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${m.uuid}`,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('D-11 a stream mapping reports infinite retries and record age as -1', () => {
    const config = compiled([
      {
        FunctionName: 'f',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
        StartingPosition: 'LATEST',
        Enabled: false,
      },
    ]);
    const view = toMappingConfiguration(config, config.mappings[0]!, new MappingStateBoard(), 0);
    expect(view).toMatchObject({ State: 'Disabled', MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1 });
  });

  it("API-2/KAF-1 a self-managed Kafka mapping shows Lambda's Kafka fields and its consumer group, no stream-only fields", () => {
    const config = compiled([
      {
        FunctionName: 'f',
        Topics: ['orders'],
        StartingPosition: 'TRIM_HORIZON',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['10.0.0.1:9092'] } },
      },
      {
        FunctionName: 'f',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
        StartingPosition: 'LATEST',
      },
    ]);
    const [kafka, kinesis] = config.mappings.map((m) => toMappingConfiguration(config, m, new MappingStateBoard(), 0));
    expect(kafka).toMatchObject({
      EventSourceArn: 'kafka://orders',
      Topics: ['orders'],
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['10.0.0.1:9092'] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: config.mappings[0]!.uuid },
    });
    expect(kafka).not.toHaveProperty('ParallelizationFactor');
    expect(kafka).not.toHaveProperty('TumblingWindowInSeconds');
    expect(kinesis).toMatchObject({ ParallelizationFactor: 1, TumblingWindowInSeconds: 0 });
    expect(kinesis).not.toHaveProperty('Topics');
  });
});
