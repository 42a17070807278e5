import { describe, expect, it } from 'vitest';
import {
  checkRabbitmqMapping,
  rabbitmqSettings,
  renderRabbitmqFields,
} from '../../../../connectors/rabbitmq/mapping.js';

const ARN = 'arn:aws:mq:us-east-1:111122223333:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8';

describe('RabbitMQ mapping rules', () => {
  it('RMQ-8 / DA-5 a broker ARN needs Queues; rabbitmq://<queue> names it, and Queues must agree', () => {
    expect(checkRabbitmqMapping({}, { EventSourceArn: ARN })).toEqual([
      ['Queues', 'required for RabbitMQ (exactly one queue)'],
    ]);
    expect(checkRabbitmqMapping({ Queues: ['orders'] }, { EventSourceArn: ARN })).toEqual([]);
    expect(checkRabbitmqMapping({}, { EventSourceArn: 'rabbitmq://orders' })).toEqual([]);
    expect(checkRabbitmqMapping({ Queues: ['other'] }, { EventSourceArn: 'rabbitmq://orders' })).toEqual([
      ['Queues', 'must be ["orders"], the queue of rabbitmq://orders'],
    ]);
  });

  it('RMQ-12 / DA-5 refuses FunctionResponseTypes; RMQ-13 a function Timeout over 14 minutes', () => {
    const m = { EventSourceArn: 'rabbitmq://q', FunctionResponseTypes: ['ReportBatchItemFailures'] };
    expect(checkRabbitmqMapping({}, m).map(([f]) => f)).toEqual(['FunctionResponseTypes']);
    expect(checkRabbitmqMapping({}, { EventSourceArn: 'rabbitmq://q', functionTimeoutMs: 840_000 })).toEqual([]);
    expect(checkRabbitmqMapping({}, { EventSourceArn: 'rabbitmq://q', functionTimeoutMs: 841_000 })).toEqual([
      ['FunctionName', 'RabbitMQ mappings need a function Timeout of at most 840 s (RMQ-13)'],
    ]);
  });

  it('RMQ-9 VIRTUAL_HOST names the virtual host, at most once; BASIC_AUTH is accepted', () => {
    const f = {
      Queues: ['orders'],
      SourceAccessConfigurations: [
        { Type: 'BASIC_AUTH' as const, URI: 'arn:aws:secretsmanager:us-east-1:1:secret:x' },
        { Type: 'VIRTUAL_HOST' as const, URI: 'prod' },
      ],
    };
    expect(checkRabbitmqMapping(f, { EventSourceArn: ARN })).toEqual([]);
    expect(rabbitmqSettings(f, ARN)).toEqual({ queue: 'orders', vhost: 'prod' });
    expect(renderRabbitmqFields({ queue: 'orders', vhost: 'prod' })).toEqual({
      Queues: ['orders'],
      SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: 'prod' }],
    });
    const twice = {
      ...f,
      SourceAccessConfigurations: [...f.SourceAccessConfigurations, f.SourceAccessConfigurations[1]!],
    };
    expect(checkRabbitmqMapping(twice, { EventSourceArn: ARN })).toEqual([
      ['SourceAccessConfigurations', 'at most one VIRTUAL_HOST'],
    ]);
    expect(rabbitmqSettings({}, 'rabbitmq://a%2Fb')).toEqual({ queue: 'a/b' });
  });
});
