// A RabbitMQ mapping through the config loader: Lambda's fields, defaults and refusals (RMQ-8..13, DA-5).
import { describe, expect, it } from 'vitest';
import { MappingStateBoard, toMappingConfiguration } from '../../../../src/app/mapping-view.js';
import { loadConfigText } from '../../../../src/config/loader.js';

const ARN = 'arn:aws:mq:us-east-1:111122223333:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8';
const load = (mapping: object, fn: object = {}) =>
  loadConfigText(
    JSON.stringify({
      connections: { rabbitmq: { type: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672' } },
      functions: { f: { Handler: 'functions/hello.handler', ...fn } },
      eventSourceMappings: [{ FunctionName: 'f', ...mapping }],
    }),
    'test.json',
  );
const problems = (mapping: object, fn?: object) =>
  load(mapping, fn).problems.map((p) => `${p.path.replace('eventSourceMappings[0].', '')}: ${p.message}`);

describe('RabbitMQ mappings in the config', () => {
  it('RMQ-11 / RMQ-15 a broker ARN with Queues and VIRTUAL_HOST: BatchSize 100, a 500 ms window, no P-1 rule', () => {
    const r = load({
      EventSourceArn: ARN,
      Queues: ['orders'],
      SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: 'prod' }],
    });
    expect(r.problems).toEqual([]);
    const m = r.config!.mappings[0]!;
    expect(m).toMatchObject({ kind: 'rabbitmq', shape: 'queue', batchSize: 100, maxBatchingWindowMs: 500 });
    expect(m.settings).toEqual({ queue: 'orders', vhost: 'prod' });
    expect(load({ EventSourceArn: 'rabbitmq://audit', BatchSize: 10_000 }).problems).toEqual([]);
  });

  it('RMQ-8 / RMQ-9 GetEventSourceMapping shows Queues and the VIRTUAL_HOST, and no stream fields', () => {
    const config = load({
      EventSourceArn: ARN,
      Queues: ['orders'],
      SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: 'prod' }],
    }).config!;
    const m = config.mappings[0]!;
    const view = toMappingConfiguration(config, m, new MappingStateBoard(), 0);
    expect(view).toMatchObject({
      EventSourceArn: ARN,
      BatchSize: 100,
      Queues: ['orders'],
      SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: 'prod' }],
    });
    expect(view).not.toHaveProperty('StartingPosition');
  });

  it('RMQ-8 / DA-5 a broker ARN without Queues is refused; Queues holds exactly one queue', () => {
    expect(problems({ EventSourceArn: ARN })).toEqual(['Queues: required for RabbitMQ (exactly one queue)']);
    expect(problems({ EventSourceArn: ARN, Queues: ['a', 'b'] }).map((p) => p.split(':')[0])).toEqual(['Queues']);
  });

  it('RMQ-12 / DA-5 refuses the parameters Lambda does not apply to MQ, naming each', () => {
    const refused = {
      StartingPosition: 'LATEST',
      ParallelizationFactor: 2,
      TumblingWindowInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
      MaximumRetryAttempts: 1,
      MaximumRecordAgeInSeconds: 60,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    };
    const got = problems({ EventSourceArn: 'rabbitmq://q', ...refused }).map((p) => p.split(/[.:]/)[0]);
    for (const field of Object.keys(refused)) expect(got).toContain(field);
  });

  it('RMQ-13 the function Timeout must be at most 14 minutes', () => {
    expect(problems({ EventSourceArn: 'rabbitmq://q' }, { Timeout: 840 })).toEqual([]);
    expect(problems({ EventSourceArn: 'rabbitmq://q' }, { Timeout: 900 })).toEqual([
      'FunctionName: RabbitMQ mappings need a function Timeout of at most 840 s (RMQ-13)',
    ]);
  });

  it('a RabbitMQ connection needs an amqp(s) URL without a path', () => {
    const r = loadConfigText(
      JSON.stringify({ connections: { rabbitmq: { type: 'rabbitmq', url: 'amqp://h/vhost' } } }),
      'test.json',
    );
    expect(r.problems.map((p) => p.path)).toEqual(['connections.rabbitmq.url']);
  });
});
