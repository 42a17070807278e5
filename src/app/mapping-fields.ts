// What the event source mapping API lets change (ESMAPI-4) and the duplicate-mapping messages (ESMAPI-13).
import type { CompiledMapping } from '../config/compile.js';

/** ESMAPI-4: fields UpdateEventSourceMapping may set; the others are fixed at create. */
export const UPDATABLE: ReadonlySet<string> = new Set([
  'FunctionName',
  'Enabled',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FilterCriteria',
  'KMSKeyArn',
  'MetricsConfig',
  'LoggingConfig',
  'ScalingConfig',
  'ProvisionedPollerConfig',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
  'FunctionResponseTypes',
  'SourceAccessConfigurations',
  'DocumentDBEventSourceConfig',
]);

/** SR-1: the Kafka config objects may be updated for their SchemaRegistryConfig; ConsumerGroupId stays as created. */
const KAFKA_CONFIGS: ReadonlySet<string> = new Set([
  'SelfManagedKafkaEventSourceConfig',
  'AmazonManagedKafkaEventSourceConfig',
]);

/**
 * The value an update gives `key` when it is one of the Kafka config objects: the stored object with the update's
 * SchemaRegistryConfig (null removes it). A problem message when the update changes something else; undefined for
 * any other key.
 */
export function kafkaConfigUpdate(
  key: string,
  update: unknown,
  stored: unknown,
): { value: Record<string, unknown> } | { problem: string } | undefined {
  if (!KAFKA_CONFIGS.has(key)) return undefined;
  const before = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const after = (typeof update === 'object' && update !== null ? update : {}) as Record<string, unknown>;
  const other = Object.keys(after).find((k) => k !== 'SchemaRegistryConfig' && after[k] !== before[k]);
  if (other !== undefined) return { problem: `${key}.${other} cannot be updated; create a new event source mapping` };
  const value = { ...before, ...after };
  if (value.SchemaRegistryConfig === null) delete value.SchemaRegistryConfig;
  return { value };
}

/** ESMAPI-13: Lambda's ResourceConflictException message for a second mapping of one function and source. */
export function duplicateMessage(m: CompiledMapping, existing: string): string {
  const sqs = m.eventSourceArn.startsWith('arn:aws:sqs:');
  return sqs
    ? `An event source mapping with SQS arn (" ${m.eventSourceArn} ") and function (" ${m.functionName} ") already exists. Please update or delete the existing mapping with UUID ${existing}`
    : `The event source arn (" ${m.eventSourceArn} ") and function (" ${m.functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existing}`;
}
