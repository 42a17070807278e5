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

/** ESMAPI-13: Lambda's ResourceConflictException message for a second mapping of one function and source. */
export function duplicateMessage(m: CompiledMapping, existing: string): string {
  const sqs = m.eventSourceArn.startsWith('arn:aws:sqs:');
  return sqs
    ? `An event source mapping with SQS arn (" ${m.eventSourceArn} ") and function (" ${m.functionName} ") already exists. Please update or delete the existing mapping with UUID ${existing}`
    : `The event source arn (" ${m.eventSourceArn} ") and function (" ${m.functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existing}`;
}
