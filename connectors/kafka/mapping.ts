// Lambda's Kafka fields of CreateEventSourceMapping (KAF-1, KAF-4, KAF-5, KAF-16): Topics, SelfManagedEventSource and
// SelfManagedKafkaEventSourceConfig, what they compile to and how GetEventSourceMapping shows them.
import { z } from 'zod';
import { mappingFields, type StreamSourceOptions } from '../../src/ports/connector.js';
import {
  checkSchemaRegistry,
  compileSchemaRegistry,
  renderSchemaRegistry,
  schemaRegistryConfigSchema,
  type SchemaRegistrySettings,
} from './schema-registry-config.js';

/** What a Kafka mapping's own fields say, as the source factory gets it (options.settings). */
export interface KafkaMappingSettings {
  /** The mapping's one topic: its Topics, or the topic of its kafka://<topic> address. */
  topics?: string[];
  /** SelfManagedEventSource's bootstrap servers: the mapping's own connection. */
  bootstrapServers?: string[];
  /** SchemaRegistryConfig (SR-1): records are decoded before filtering and batching. */
  schemaRegistry?: SchemaRegistrySettings;
}

const shape = {
  Topics: z
    .array(z.string().regex(/^[^.]([a-zA-Z0-9\-_.]+)$/))
    .length(1)
    .optional(),
  SelfManagedEventSource: z
    .object({
      Endpoints: z.object({ KAFKA_BOOTSTRAP_SERVERS: z.array(z.string().min(1)).min(1) }).strict(),
    })
    .strict()
    .optional(),
  SelfManagedKafkaEventSourceConfig: z
    .object({
      ConsumerGroupId: z.string().min(1).max(200).optional(),
      SchemaRegistryConfig: schemaRegistryConfigSchema.optional(),
    })
    .strict()
    .optional(),
  // ESMAPI-9: the MSK form of the same settings.
  AmazonManagedKafkaEventSourceConfig: z
    .object({
      ConsumerGroupId: z.string().min(1).max(200).optional(),
      SchemaRegistryConfig: schemaRegistryConfigSchema.optional(),
    })
    .strict()
    .optional(),
};

/** The topic of a kafka://<topic> address; undefined for anything else (an MSK ARN names no topic). */
export const topicOfUri = (address: string | undefined): string | undefined =>
  /^kafka:\/\/(.+)$/.exec(address ?? '')?.[1];

/** The settings the engine passed back from `kafkaMappingFields.settings` (every field optional, so `{}` is none). */
export const kafkaSettingsOf = (options: StreamSourceOptions): KafkaMappingSettings => options.settings ?? {};

export const kafkaMappingFields = mappingFields({
  shape,
  // Self-managed Kafka has no ARN: Topics and SelfManagedEventSource name the source.
  addressOf: (f) =>
    f.Topics !== undefined || f.SelfManagedEventSource !== undefined ? `kafka://${f.Topics?.[0] ?? ''}` : undefined,
  addressHint: 'Topics and SelfManagedEventSource for Kafka',
  check: (f, m) => {
    const problems: Array<[string, string]> = [];
    // kafka://<topic> names the topic itself; Topics, when also given, must agree with it.
    const topicOfAddress = topicOfUri(m.EventSourceArn);
    if (f.Topics === undefined && topicOfAddress === undefined)
      problems.push(['Topics', 'required for Kafka (exactly one topic)']);
    if (
      topicOfAddress !== undefined &&
      f.Topics !== undefined &&
      (f.Topics.length !== 1 || f.Topics[0] !== topicOfAddress)
    )
      problems.push(['Topics', `must be ["${topicOfAddress}"], the topic of ${m.EventSourceArn}`]);
    // KAF-16: a kafka:// on-failure topic must not be one of the mapping's source topics (Lambda blocks that loop).
    const failureTopic = topicOfUri(m.onFailure);
    if (failureTopic !== undefined && (f.Topics ?? [topicOfAddress]).includes(failureTopic))
      problems.push([
        'DestinationConfig.OnFailure.Destination',
        `the on-failure topic ${failureTopic} is a source topic of the mapping (KAF-16)`,
      ]);
    problems.push(
      ...checkSchemaRegistry(
        f.SelfManagedKafkaEventSourceConfig?.SchemaRegistryConfig,
        'SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig',
      ),
      ...checkSchemaRegistry(
        f.AmazonManagedKafkaEventSourceConfig?.SchemaRegistryConfig,
        'AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig',
      ),
    );
    return problems;
  },
  consumerGroupOf: (f) =>
    f.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? f.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId,
  settings: (f, address): KafkaMappingSettings => {
    const topic = topicOfUri(address);
    const schemaRegistry = compileSchemaRegistry(
      f.SelfManagedKafkaEventSourceConfig?.SchemaRegistryConfig ??
        f.AmazonManagedKafkaEventSourceConfig?.SchemaRegistryConfig,
    );
    return {
      topics: f.Topics ?? (topic === undefined ? undefined : [topic]),
      bootstrapServers: f.SelfManagedEventSource?.Endpoints.KAFKA_BOOTSTRAP_SERVERS,
      ...(schemaRegistry === undefined ? {} : { schemaRegistry }),
    };
  },
  connectionOf: (s) => (s.bootstrapServers === undefined ? undefined : { brokers: s.bootstrapServers }),
  // KAF-5: two mappings of one config in one group would split the partitions between them. (Several processes
  // running the same config share a group: that is scaling out.)
  checkAll: (mappings) => {
    const problems: Array<[string, string]> = [];
    const groups = new Map<string, string>();
    for (const m of mappings) {
      if (m.consumerGroupId === undefined) continue;
      const other = groups.get(m.consumerGroupId);
      if (other !== undefined)
        problems.push([
          `${m.at}.SelfManagedKafkaEventSourceConfig.ConsumerGroupId`,
          `the same ConsumerGroupId "${m.consumerGroupId}" as ${other} (KAF-5: unique per Kafka mapping)`,
        ]);
      groups.set(m.consumerGroupId, m.at);
    }
    return problems;
  },
  render: (s, consumerGroupId) => ({
    Topics: s.topics,
    ...(s.bootstrapServers === undefined
      ? {}
      : { SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: s.bootstrapServers } } }),
    SelfManagedKafkaEventSourceConfig: {
      ConsumerGroupId: consumerGroupId,
      ...(s.schemaRegistry === undefined ? {} : { SchemaRegistryConfig: renderSchemaRegistry(s.schemaRegistry) }),
    },
  }),
});
