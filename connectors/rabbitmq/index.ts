// The RabbitMQ connector (Lambda's Amazon MQ for RabbitMQ mapping, spec §1.1–1.3): a broker ARN with `Queues` and
// VIRTUAL_HOST, or rabbitmq://<queue>; a named connection { url, vhost?, heartbeatSeconds? } gives the broker.
import type { ConnectorDefinition, SourceRules } from '../../src/ports/connector.js';
import { isRabbitmqAddress } from './address.js';
import { rabbitmqConnection, rabbitmqConnectionSchema } from './connection.js';
import { rabbitmqMappingFields, rabbitmqSettingsOf } from './mapping.js';
import { RabbitmqQueueSource } from './source.js';

export { RabbitmqQueueSource, type RmqQueueMessage, type RabbitmqSourceOptions } from './source.js';
export { rabbitmqConnectionSchema, type RabbitmqConnection } from './connection.js';
export { buildRmqEvent, toRmqMessage, rmqTimestamp, type RmqEvent, type RmqMessage } from './event.js';

/**
 * RMQ-11: BatchSize 100 and a 500 ms window by default. RMQ-12/DA-5: none of the SQS or stream fields (the config
 * refuses any field not listed). RMQ-15: one batch at a time.
 */
const RABBITMQ_SOURCE: SourceRules = {
  shape: 'queue',
  fields: [],
  defaults: { batchSize: 100, maxBatchingWindowMs: 500 },
  needsConnection: true,
  concurrency: { fixed: 1 },
  // MET-2/DA-5: no ESM metrics for Amazon MQ, so MetricsConfig is refused.
  metricGroups: [],
};

export const rabbitmqConnector: ConnectorDefinition = {
  kind: 'rabbitmq',
  matches: isRabbitmqAddress,
  sourceAt: (a) => (isRabbitmqAddress(a) ? RABBITMQ_SOURCE : undefined),
  connectionSchema: rabbitmqConnectionSchema,
  connectionExample: '{"type": "rabbitmq", "url": "amqps://user:pass@host:5671"}',
  // RMQ-21: `data` is the body in base64; JSON meets object patterns, text rule arrays, a mismatch skips the rule.
  filter: { label: 'RabbitMQ', data: { path: ['data'], encoding: 'base64', form: 'text', mismatch: 'ignore' } },
  sourceHint: 'an Amazon MQ broker ARN with Queues, or rabbitmq://<queue>',
  mappingFields: rabbitmqMappingFields,
  createQueueSource: (address, ctx, options) => {
    if (options === undefined) throw new Error('a RabbitMQ source needs its mapping (BatchSize, Queues)');
    const conn = rabbitmqConnection(ctx.connection);
    const { queue, vhost } = rabbitmqSettingsOf(options);
    if (queue === undefined) throw new Error(`a RabbitMQ mapping reads exactly one queue (Queues) from ${address}`);
    return new RabbitmqQueueSource(
      conn,
      {
        arn: address,
        queue,
        vhost: vhost ?? conn.vhost ?? '/',
        mappingId: options.mappingId,
        prefetch: options.batchSize,
      },
      ctx.logger.child({ connector: 'rabbitmq', queue }),
    );
  },
};
