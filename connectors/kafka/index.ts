// The Kafka connector (spec §4): topics addressed as kafka://<topic>, a named connection
// { brokers, clientId?, ssl?, sasl?, consumer? } gives the cluster. Partitions are shards, owned through the
// consumer group (ConsumerGroupId, default the mapping UUID, D-7); positions are group offsets (`positions:
// 'source'`) committed through each partition reader's commit.
import type {
  ConnectorDefinition,
  MappingFields,
  ProvisionedRules,
  SourceRules,
  StreamSourceOptions,
} from '../../src/ports/connector.js';
import { createKafka } from './client.js';
import { kafkaConnection, kafkaConnectionSchema } from './connection.js';
import { KafkaDestination } from './destination.js';
import { kafkaMappingFields, kafkaSettingsOf } from './mapping.js';
import { KafkaPollerGroup } from './poller-group.js';
import { schemaRegistryPaths } from './schema-registry-config.js';
import { KafkaSchemaDecoder } from './schema-registry.js';
import { KafkaStreamSource } from './source.js';

export { KafkaStreamSource, type KafkaSourceOptions } from './source.js';
export { KafkaDestination } from './destination.js';
export { kafkaMappingFields, type KafkaMappingSettings } from './mapping.js';
export { kafkaConnection, kafkaConnectionSchema, type KafkaConnection } from './connection.js';
export { buildKafkaEvent, toKafkaRecord, kafkaItemIdentifier, type KafkaEvent, type KafkaRecord } from './event.js';

const ADDRESS = /^kafka:\/\/([A-Za-z0-9._-]{1,249})$/;
/** An MSK cluster ARN (KAF-4); the topic then comes from the mapping's Topics. */
const MSK_ARN = /^arn:[\w-]+:kafka:[^:]*:\d*:cluster\/.+$/;

export function kafkaTopicOf(address: string): string {
  const topic = ADDRESS.exec(address)?.[1];
  if (topic === undefined) throw new Error(`not a Kafka address (kafka://<topic>): ${address}`);
  return topic;
}

/** The one topic a mapping reads: from kafka://<topic>, or Topics with an MSK cluster ARN (KAF-4). */
function topicOf(address: string, options: StreamSourceOptions): string {
  const { topics } = kafkaSettingsOf(options);
  const topic = MSK_ARN.test(address) ? topics?.[0] : kafkaTopicOf(address);
  if (topic === undefined || (topics?.length ?? 1) !== 1)
    throw new Error(`a Kafka mapping reads exactly one topic (Topics) from ${address}`);
  return topic;
}

/** Lambda's Kafka rule of the function (P-7); those of its own fields are in mapping.ts. */
function checkMapping(m: MappingFields): Array<[string, string]> {
  return m.functionTimeoutMs !== undefined && m.functionTimeoutMs > 840_000
    ? [['FunctionName', 'Kafka mappings need a function Timeout of at most 840 s (P-7)']]
    : [];
}

/** PRV-3, PRV-4, MET-9: Kafka pollers 1–200 at least, 1–2,000 at most (defaults 1 and 200), groups, log level. */
const KAFKA_PROVISIONED: ProvisionedRules = {
  minimumPollers: { min: 1, max: 200, default: 1 },
  maximumPollers: { min: 1, max: 2000, default: 200 },
  pollerGroups: true,
  systemLogLevel: true,
  errorControls: { onlyProvisioned: schemaRegistryPaths },
};

/** Kafka mappings: BatchSize 100, a 500 ms window, offsets in a consumer group named after the mapping (spec 1.2, D-7). */
const KAFKA_SOURCE: SourceRules = {
  shape: 'stream',
  fields: [
    'StartingPosition',
    'StartingPositionTimestamp',
    'BisectBatchOnFunctionError',
    'MaximumRetryAttempts',
    'MaximumRecordAgeInSeconds',
    'DestinationConfig',
  ],
  defaults: { batchSize: 100, maxBatchingWindowMs: 500 },
  needsConnection: true,
  defaultConsumerGroup: (mappingId) => mappingId,
  check: checkMapping,
  connectionHint: 'Kafka needs SelfManagedEventSource or a connection',
  // KAF-14: infinite retries by default, but at most 10 when a destination is set.
  retryAttemptsWithOnFailure: 10,
  // A kafka:// on-failure topic is in the mapping's own cluster (KAF-16).
  ownsDestination: (address) => address.startsWith('kafka://'),
  provisioned: KAFKA_PROVISIONED,
  metricGroups: ['EventCount', 'ErrorCount', 'KafkaMetrics'],
};

const isKafkaAddress = (address: string): boolean =>
  /^arn:[\w-]+:kafka:/.test(address) || address.startsWith('kafka://');

export const kafkaConnector: ConnectorDefinition = {
  kind: 'kafka',
  matches: (address) => ADDRESS.test(address) || MSK_ARN.test(address),
  // Any kafka:// or MSK address is Kafka's: a malformed one gets Kafka's own messages (Topics), not "unsupported".
  sourceAt: (address) => (isKafkaAddress(address) ? KAFKA_SOURCE : undefined),
  isDestination: (address) => /^kafka:\/\/[^/]+/.test(address),
  connectionSchema: kafkaConnectionSchema,
  connectionExample: '{"type": "kafka", "brokers": ["host:9092"]}',
  mappingFields: kafkaMappingFields,
  // FLT-10: base64 value, JSON or UTF-8 text; a pattern of the other form is ignored.
  filter: { label: 'Kafka', data: { path: ['value'], encoding: 'base64', form: 'text', mismatch: 'ignore' } },
  sourceHint: 'kafka://<topic> or an MSK cluster ARN',
  destinationHint: 'kafka://<topic> with a kafka connection (not __ internal topics)',
  apiDestinationProblem: (address) => (address.startsWith('kafka://__') ? 'is a Kafka internal topic' : undefined),
  createStreamSource: (address, options, ctx) => {
    const conn = kafkaConnection(ctx.connection);
    const msk = MSK_ARN.test(address);
    const topic = topicOf(address, options);
    const logger = ctx.logger.child({ connector: 'kafka', topic });
    const registry = kafkaSettingsOf(options).schemaRegistry;
    const schemas = registry === undefined ? undefined : new KafkaSchemaDecoder(registry, conn.schemaRegistry);
    // One consumer; in provisioned mode each poller is one (only the first reports the group's lag).
    const consumer = (poller: number) =>
      new KafkaStreamSource(
        createKafka(conn, ctx.logger),
        conn.brokers.join(','),
        {
          topic,
          clusterArn: msk ? address : undefined,
          groupId: options.consumerGroupId ?? options.mappingId,
          mappingId: options.mappingId,
          functionName: options.functionName,
          startingPosition: options.startingPosition,
          ...(schemas === undefined ? {} : { schemas }),
          ...conn.consumer,
          ...(poller > 0 && { lagIntervalMs: 0 }),
        },
        ctx.metrics,
        poller > 0 ? logger.child({ poller }) : logger,
      );
    const p = options.provisioned;
    if (p === undefined) return consumer(0);
    const labels = { mapping: options.mappingId, function: options.functionName ?? '', source: 'kafka' };
    const partitionCount = async () => {
      const admin = createKafka(conn, ctx.logger).admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).length;
      } finally {
        await admin.disconnect();
      }
    };
    const rates = conn.provisionedScaling ?? {};
    return new KafkaPollerGroup(consumer, { ...p, ...rates, labels, partitionCount }, ctx.metrics, logger);
  },
  findStoredPositions: async (address, options, groupIds, ctx) => {
    const topic = topicOf(address, options);
    const admin = createKafka(kafkaConnection(ctx.connection), ctx.logger).admin();
    await admin.connect();
    try {
      for (const groupId of groupIds) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        if ((committed?.partitions ?? []).some((p) => Number(p.offset) >= 0)) return groupId;
      }
      return undefined;
    } finally {
      await admin.disconnect();
    }
  },
  createDestination: (address, ctx) =>
    new KafkaDestination(createKafka(kafkaConnection(ctx.connection), ctx.logger), kafkaTopicOf(address)),
};
