// The mappings as Lambda's API shows them (API-2, API-5): each mapping's State, moved by the app as mappings start
// and stop, and its EventSourceMappingConfiguration rendered from the compiled config.
import { renderOwnFields, sourceAt } from '../config/addresses.js';
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import { renderProvisioned } from '../config/provisioned.js';

/** API-5 and ESMAPI-2/3/6 states a mapping passes through. */
export type MappingState = 'Creating' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Enabling' | 'Deleting';

export interface MappingStates {
  get(uuid: string): { state: MappingState; reason: string } | undefined;
}

/** Holds each mapping's State; the app moves it as mappings start and stop. */
export class MappingStateBoard implements MappingStates {
  readonly #states = new Map<string, { state: MappingState; reason: string }>();

  set(uuid: string, state: MappingState, reason = 'USER_INITIATED'): void {
    this.#states.set(uuid, { state, reason });
  }

  get(uuid: string): { state: MappingState; reason: string } | undefined {
    return this.#states.get(uuid);
  }

  delete(uuid: string): void {
    this.#states.delete(uuid);
  }
}

/** One mapping as Lambda's GetEventSourceMapping answers it; only the fields its source kind has. */
export function toMappingConfiguration(
  config: CompiledConfig,
  m: CompiledMapping,
  states: MappingStates,
  lastModifiedMs: number,
): Record<string, unknown> {
  const fn = config.functions.get(m.functionName);
  const s = states.get(m.uuid) ?? { state: m.enabled ? 'Creating' : 'Disabled', reason: 'USER_INITIATED' };
  const out: Record<string, unknown> = {
    UUID: m.uuid,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: Math.round(m.maxBatchingWindowMs / 1000),
    EventSourceArn: m.eventSourceArn,
    FunctionArn: fn?.arn ?? `arn:aws:lambda:${config.region}:${config.accountId}:function:${m.functionName}`,
    LastModified: lastModifiedMs / 1000,
    State: s.state,
    StateTransitionReason: s.reason,
    FunctionResponseTypes: m.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    EventSourceMappingArn: m.arn,
  };
  if (m.filterPatterns.length > 0) out.FilterCriteria = { Filters: m.filterPatterns.map((Pattern) => ({ Pattern })) };
  Object.assign(out, m.shown, renderProvisioned(m.provisioned));
  // The connector's own fields (Kafka's Topics...) come last, for queues and streams alike.
  const own = renderOwnFields(m.kind, m.settings, m.consumerGroupId);
  if (m.shape === 'queue') {
    if (m.maximumConcurrency !== undefined) out.ScalingConfig = { MaximumConcurrency: m.maximumConcurrency };
    return { ...out, ...own };
  }
  out.StartingPosition = m.startingPosition;
  if (m.startingPositionTimestampMs !== undefined) out.StartingPositionTimestamp = m.startingPositionTimestampMs / 1000;
  // D-11: -1 stands for infinite retries / record age.
  out.MaximumRetryAttempts = m.maximumRetryAttempts;
  out.MaximumRecordAgeInSeconds = m.maximumRecordAgeMs === -1 ? -1 : Math.round(m.maximumRecordAgeMs / 1000);
  out.BisectBatchOnFunctionError = m.bisectBatchOnFunctionError;
  out.DestinationConfig = { OnFailure: m.onFailure === undefined ? {} : { Destination: m.onFailure } };
  const fields = sourceAt(m.eventSourceArn)?.rules.fields ?? [];
  if (fields.includes('ParallelizationFactor')) out.ParallelizationFactor = m.parallelizationFactor;
  if (fields.includes('TumblingWindowInSeconds')) out.TumblingWindowInSeconds = Math.round(m.tumblingWindowMs / 1000);
  return { ...out, ...own };
}
