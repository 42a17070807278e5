// #18 import: SAM and CloudFormation templates to a sluice config — functions with Globals, every SAM event type that
// is an event source mapping, AWS::Lambda::EventSourceMapping/EventInvokeConfig resources, dead-letter queues — that
// passes the config loader, with everything not translated listed by template path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkImported, importTemplate } from '../../../src/import/index.js';
import type { ImportResult } from '../../../src/import/types.js';
import { options } from './kit.js';

const fixture = (name: string) => `test/fixtures/import/${name}`;
const load = (name: string, over = {}): ImportResult =>
  importTemplate(readFileSync(fixture(name), 'utf8'), fixture(name), options(over));
const paths = (r: ImportResult) => r.notes.map((n) => n.path);
const valid = (r: ImportResult) => expect(checkImported(r, '/app/sluice.json', {}).problems).toEqual([]);

const EVERY_EVENT = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    Timeout: 10
    Environment: { Variables: { SHARED: one, LEVEL: info } }
  Api:
    Cors: '*'
Resources:
  Queue: { Type: AWS::SQS::Queue }
  DLQ: { Type: AWS::SQS::Queue }
  Stream: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 2 } }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/fn
      Handler: app.handler
      Timeout: 20
      Environment: { Variables: { LEVEL: debug } }
      Layers: [arn:aws:lambda:us-east-1:000000000000:layer:x:1]
      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt DLQ.Arn }
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnFailure: { Type: SQS, Destination: !GetAtt DLQ.Arn }
          OnSuccess: { Type: EventBridge, Destination: arn:aws:events:us-east-1:000000000000:event-bus/default }
      Events:
        Sqs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 20
            MaximumBatchingWindowInSeconds: 1
            ScalingConfig: { MaximumConcurrency: 5 }
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["order"]}}'
                - Pattern: { body: { kind: [refund] } }
        Kinesis:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
            ParallelizationFactor: 2
            TumblingWindowInSeconds: 30
            DestinationConfig:
              OnFailure: { Type: SQS, Destination: !GetAtt DLQ.Arn }
              OnSuccess: { Type: SQS, Destination: !GetAtt Queue.Arn }
        Ddb:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: TRIM_HORIZON
            FunctionResponseTypes: [ReportBatchItemFailures]
            BisectBatchOnFunctionError: true
        Msk:
          Type: MSK
          Properties:
            Stream: arn:aws:kafka:us-east-1:000000000000:cluster/c/1
            Topics: [orders]
            StartingPosition: TRIM_HORIZON
            ConsumerGroupId: orders-group
        Kafka:
          Type: SelfManagedKafka
          Properties:
            KafkaBootstrapServers: [b-1.internal:9092]
            Topics: [audit]
            ConsumerGroupId: audit-group
            SourceAccessConfigurations: [{ Type: SASL_SCRAM_512_AUTH, URI: arn:aws:secretsmanager:x }]
        Mq:
          Type: MQ
          Properties:
            Broker: arn:aws:mq:us-east-1:000000000000:broker:b:b-1
            Queues: [jobs]
            SourceAccessConfigurations: [{ Type: BASIC_AUTH, URI: arn:aws:secretsmanager:y }]
        Api:
          Type: Api
          Properties: { Path: /, Method: get }
`;

describe('#18 import: SAM templates', () => {
  const r = importTemplate(EVERY_EVENT, '/app/template.yaml', options());

  it('Globals.Function merges into each function (maps key by key, the function wins)', () => {
    expect(r.config.functions).toEqual({
      Fn: {
        Runtime: 'nodejs',
        Handler: 'app.handler',
        CodeUri: 'functions/fn',
        Timeout: 20,
        Environment: { Variables: { SHARED: 'one', LEVEL: 'debug' } },
        DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:shop-DLQ' },
        EventInvokeConfig: {
          MaximumRetryAttempts: 0,
          DestinationConfig: {
            OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/default' },
            OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:shop-DLQ' },
          },
        },
      },
    });
  });

  it('every SAM event type that is a mapping becomes one, with its source resolved', () => {
    const mappings = r.config.eventSourceMappings as Array<Record<string, unknown>>;
    expect(mappings).toEqual([
      {
        FunctionName: 'Fn',
        EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:shop-Queue',
        BatchSize: 20,
        MaximumBatchingWindowInSeconds: 1,
        ScalingConfig: { MaximumConcurrency: 5 },
        FilterCriteria: {
          Filters: [{ Pattern: '{"body": {"kind": ["order"]}}' }, { Pattern: '{"body":{"kind":["refund"]}}' }],
        },
      },
      {
        FunctionName: 'Fn',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/shop-Stream',
        StartingPosition: 'LATEST',
        ParallelizationFactor: 2,
        TumblingWindowInSeconds: 30,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:shop-DLQ' } },
      },
      {
        FunctionName: 'Fn',
        EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/shop-Table/stream/unknown-until-created',
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
      },
      {
        FunctionName: 'Fn',
        EventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/c/1',
        Topics: ['orders'],
        StartingPosition: 'TRIM_HORIZON',
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-group' },
      },
      {
        FunctionName: 'Fn',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b-1.internal:9092'] } },
        Topics: ['audit'],
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit-group' },
        StartingPosition: 'TRIM_HORIZON',
        // Locally the kafka connection's brokers win over the template's.
        Connection: 'kafka',
      },
      {
        FunctionName: 'Fn',
        EventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1',
        Queues: ['jobs'],
        SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:y' }],
      },
    ]);
    expect(Object.keys(r.config.connections as object)).toEqual([
      'dynamodb',
      'eventbridge',
      'kafka',
      'kinesis',
      'rabbitmq',
      'sqs',
    ]);
  });

  it('the resources --create-resources makes: queues, streams, tables with streams, topics', () => {
    expect(r.resources.queues.map((q) => q.name)).toEqual(['shop-Queue', 'shop-DLQ']);
    expect(r.resources.streams).toEqual([expect.objectContaining({ name: 'shop-Stream', shardCount: 2 })]);
    expect(r.resources.tables).toEqual([
      expect.objectContaining({ name: 'shop-Table', streamViewType: 'NEW_AND_OLD_IMAGES' }),
    ]);
    expect(r.resources.topics.map((t) => t.name)).toEqual(['orders', 'audit']);
  });

  it('what is not translated is listed with its template path', () => {
    expect(r.notes).toEqual(
      expect.arrayContaining([
        { path: 'Globals.Api', message: 'not used by sluice' },
        { path: 'Resources.Fn.Properties.Layers', message: 'not used by sluice' },
        {
          path: 'Resources.Fn.Properties.Events.Kafka.Properties.SourceAccessConfigurations',
          message: 'authentication and network settings come from the sluice connection',
        },
        {
          path: 'Resources.Fn.Properties.Events.Kafka.Properties.StartingPosition',
          message: 'not given: TRIM_HORIZON (sluice needs one)',
        },
        {
          path: 'Resources.Fn.Properties.Events.Kinesis.Properties.DestinationConfig.OnSuccess',
          message: 'sluice mappings deliver OnFailure only',
        },
        {
          path: 'Resources.Fn.Properties.Events.Api',
          message: 'event type Api is not an event source mapping: not translated',
        },
        expect.objectContaining({ path: 'eventSourceMappings[2].EventSourceArn' }),
      ]),
    );
  });

  it('the output passes the config loader, and a known table stream ARN replaces the placeholder', () => {
    valid(r);
    const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/shop-Table/stream/2026-12-03T00:00:00.000';
    const known = importTemplate(
      EVERY_EVENT,
      '/app/template.yaml',
      options({ tableStreamArns: { 'shop-Table': arn } }),
    );
    expect((known.config.eventSourceMappings as Array<{ EventSourceArn?: string }>)[2]?.EventSourceArn).toBe(arn);
    expect(paths(known)).not.toContain('eventSourceMappings[2].EventSourceArn');
  });

  it('the integration fixture: RedrivePolicy, parameters, policies and outputs', () => {
    const app = load('sam-app.yaml', { parameters: { Prefix: 'p1' }, templateDir: '/t', configDir: '/t/out' });
    valid(app);
    const dlq = app.resources.queues.find((q) => q.name === 'p1-orders');
    expect(dlq?.attributes).toEqual({
      VisibilityTimeout: '3',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:p1-orders-dlq',
        maxReceiveCount: '2',
      }),
    });
    expect((app.config.functions as Record<string, { CodeUri: string }>).ProcessorFunction?.CodeUri).toBe('..');
    expect(paths(app)).toEqual(expect.arrayContaining(['Outputs', 'Resources.ProcessorFunction.Properties.Policies']));
  });
});

describe('#18 import: CloudFormation templates (JSON)', () => {
  const r = load('cfn-stack.json');

  it('AWS::Lambda::Function, EventSourceMapping and EventInvokeConfig resources', () => {
    valid(r);
    expect((r.config.functions as Record<string, unknown>)['dev-worker']).toMatchObject({
      Timeout: 30,
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
      DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:shop-FailedQueue' },
      EventInvokeConfig: {
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:shop-FailedQueue' } },
      },
    });
    const m = r.config.eventSourceMappings as Array<Record<string, unknown>>;
    expect(m.map((x) => x.EventSourceArn)).toEqual([
      'arn:aws:sqs:us-east-1:000000000000:dev-payments.fifo',
      'arn:aws:mq:us-east-1:000000000000:broker:events:b-1234',
      undefined,
    ]);
    expect(m.every((x) => x.FunctionName === 'dev-worker')).toBe(true);
    expect(r.resources.queues[0]).toMatchObject({
      name: 'dev-payments.fifo',
      fifo: true,
      attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
  });

  it('a resource whose Condition is false is left out, and said so; --parameter turns it on', () => {
    expect(paths(r)).toContain('Resources.ProdOnlyMapping.Condition');
    const prod = load('cfn-stack.json', { parameters: { Stage: 'prod' } });
    expect(prod.config.eventSourceMappings).toHaveLength(4);
  });

  it('code in S3, roles, layers, KMS and metrics are listed, never dropped silently', () => {
    expect(paths(r)).toEqual(
      expect.arrayContaining([
        'Resources.Worker.Properties.Code',
        'Resources.Worker.Properties.Role',
        'Resources.Worker.Properties.Layers',
        'Resources.WorkerRole',
        'Resources.PaymentsQueue.Properties.KmsMasterKeyId',
        'Resources.PaymentsMapping.Properties.MetricsConfig',
        'Resources.KafkaMapping.Properties.SourceAccessConfigurations',
      ]),
    );
  });

  it('DEST-7: an SNS topic (Ref) as OnSuccess is translated, with an sns connection, and the topic is created', () => {
    const fn = (r.config.functions as Record<string, Record<string, unknown>>)['dev-worker'];
    expect(fn?.EventInvokeConfig).toMatchObject({
      DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sns:us-east-1:000000000000:shop-AlarmTopic' } },
    });
    expect((r.config.connections as Record<string, unknown>).sns).toEqual({
      type: 'sns',
      endpoint: 'http://127.0.0.1:5000',
      region: 'us-east-1',
    });
    expect(r.resources.destinations).toEqual([{ logicalId: 'AlarmTopic', kind: 'sns', name: 'shop-AlarmTopic' }]);
  });
});

describe('#18 import: values CloudFormation writes as text', () => {
  const TEMPLATE = `
Parameters:
  Batch: { Type: Number, Default: 10 }
  Unset: { Type: String }
Resources:
  Q: { Type: AWS::SQS::Queue }
  Fn: { Type: AWS::Lambda::Function, Properties: { Handler: a.b, Runtime: nodejs22.x, Timeout: '30' } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !GetAtt Q.Arn
      BatchSize: !Ref Batch
      Enabled: 'false'
      MaximumBatchingWindowInSeconds: '1'
  Other:
    Type: AWS::Lambda::EventInvokeConfig
    Properties: { FunctionName: elsewhere, Qualifier: $LATEST, MaximumRetryAttempts: 0 }
  Tagged:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Ref Unset }
`;

  it('a Number parameter given with --parameter, "false" and "1" become the typed values the config needs', () => {
    const r = importTemplate(TEMPLATE, '/app/t.yaml', options({ parameters: { Batch: '50' } }));
    expect(r.config.eventSourceMappings).toEqual([
      expect.objectContaining({ BatchSize: 50, Enabled: false, MaximumBatchingWindowInSeconds: 1 }),
    ]);
    expect((r.config.functions as Record<string, { Timeout: number }>).Fn?.Timeout).toBe(30);
    valid(r);
  });

  it('PRV-1 ProvisionedPollerConfig is imported with its pollers as numbers, LoggingConfig as it is', () => {
    const template = `
Resources:
  Q: { Type: AWS::SQS::Queue }
  Fn: { Type: AWS::Lambda::Function, Properties: { Handler: a.b, Runtime: nodejs22.x, Timeout: '30' } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !GetAtt Q.Arn
      ProvisionedPollerConfig: { MinimumPollers: '3', MaximumPollers: '20' }
`;
    const r = importTemplate(template, '/app/t.yaml', options({}));
    expect(r.config.eventSourceMappings).toEqual([
      expect.objectContaining({ ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 20 } }),
    ]);
    expect(paths(r).filter((p) => p.includes('Provisioned'))).toEqual([]);
    valid(r);
  });

  it('a Ref to a parameter without a value and an EventInvokeConfig of another stack say so', () => {
    const r = importTemplate(TEMPLATE, '/app/t.yaml', options());
    expect(r.notes).toEqual(
      expect.arrayContaining([
        {
          path: 'Resources.Tagged.Properties.QueueName',
          message: 'Ref Unset: the parameter has no Default and no --parameter value',
        },
        {
          path: 'Resources.Other.Properties.FunctionName',
          message: 'elsewhere is not a function of the template: left out',
        },
      ]),
    );
    // The queue falls back to the generated name.
    expect(r.resources.queues.map((q) => q.name)).toContain('shop-Tagged');
  });
});
