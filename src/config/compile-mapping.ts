// One event source mapping of the config file or of CreateEventSourceMapping → the compiled mapping the engine runs:
// the cross-field rules of spec §1 (P-1, P-2, P-7, P-11, FIFO limits, which fields each source accepts), references
// (function, connection) resolved, per-source defaults applied, durations in milliseconds. The file and the API
// share these rules.
import type { Connection, ParsedMapping } from './schema.js';
import type { CompiledFunction } from './compile-function.js';
import { defaultConnection, destinationConnectionProblem, destinationProblem } from './default-connection.js';
import { identityUuid, positionalUuids } from './mapping-identity.js';
import { validateFilterCriteria } from '../ports/filter-pattern/index.js';
import { addressHints, addressNamedBy, mappingFieldsOf, ownFieldsOf, sourceAt, sourceHints } from './addresses.js';
import type { FilterSource } from '../ports/filter-source.js';
import type { Problem } from './problems.js';
import {
  compileProvisioned,
  pollerGroupProblems,
  type ProvisionedPollers,
  type SystemLogLevel,
} from './provisioned.js';

export interface CompiledMapping {
  uuid: string;
  /** UUID given in the file (else derived from function, source and consumer group). */
  explicitUuid: boolean;
  /** Without `UUID`: the position-based UUIDs of older versions, whose stored positions are adopted at start. */
  legacyUuids?: string[];
  /** Without `UUID` nor a consumer group of its own: the default consumer groups of those legacy UUIDs. */
  legacyConsumerGroups?: string[];
  arn: string;
  functionName: string;
  /** The kind of the connector that reads the source. */
  kind: string;
  shape: 'queue' | 'stream';
  /** How filter patterns reach the records' data. */
  filter: FilterSource;
  /** The source address: ARN or URI; without EventSourceArn, the one its connector's own fields name. */
  eventSourceArn: string;
  connectionName?: string;
  connection?: Connection;
  /** Settings the mapping gives itself (SelfManagedEventSource); the named connection's win. */
  ownConnection?: Record<string, unknown>;
  enabled: boolean;
  batchSize: number;
  maxBatchingWindowMs: number;
  startingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  startingPositionTimestampMs?: number;
  filterPatterns: string[];
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeMs: number;
  parallelizationFactor: number;
  tumblingWindowMs: number;
  onFailure?: string;
  maximumConcurrency?: number;
  /** Provisioned mode (PRV-1..6): the poller bounds; undefined when off. */
  provisioned?: ProvisionedPollers;
  /** LoggingConfig.SystemLogLevel (MET-9): the level of sluice's own logs for this mapping. */
  systemLogLevel?: SystemLogLevel;
  fifo: boolean;
  /** The consumer group the source reads with (D-7): the mapping's own (KAF-5), else its source's default. */
  consumerGroupId?: string;
  /** What the connector made of the mapping's own fields (`mappingFields.settings`); the engine passes it on. */
  settings?: unknown;
  /** ESMAPI-9 fields kept only to be shown (ACCEPTED_NOT_ACTED_ON without Tags, which Lambda never shows). */
  shown?: Record<string, unknown>;
}

/** ESMAPI-9 fields sluice accepts, keeps and shows (API) but does not act on: each set one draws a warning. */
export const ACCEPTED_NOT_ACTED_ON = ['KMSKeyArn', 'MetricsConfig', 'Tags', 'DocumentDBEventSourceConfig'] as const;

/** Shown as they were set: the ones above but Tags, and LoggingConfig (acted on). */
const SHOWN_AS_SET = ['KMSKeyArn', 'MetricsConfig', 'LoggingConfig', 'DocumentDBEventSourceConfig'] as const;

/** Fields every source accepts; any other must be among its source's `fields`. */
const COMMON = new Set([
  'UUID',
  'FunctionName',
  'EventSourceArn',
  'Connection',
  'Enabled',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FilterCriteria',
  'FunctionResponseTypes',
  ...ACCEPTED_NOT_ACTED_ON,
  // Each source's rules say whether it takes them (provisioned.ts).
  'LoggingConfig',
  'ProvisionedPollerConfig',
]);

/** What compiling one mapping needs of the config (the file's, or the running one's for the API). */
export interface MappingContext {
  region: string;
  accountId: string;
  connections: Record<string, Connection>;
  maxFiltersPerMapping: number;
  functions: ReadonlyMap<string, CompiledFunction>;
  /** Whether the config names the function (a function that failed to compile still counts). */
  hasFunction(name: string): boolean;
}

/**
 * One mapping; its problems go to `problems` under `place.at`. `place.index`/`count` (its position in the file) give
 * the positional UUIDs of older versions when it has no UUID.
 */
export function compileMapping(
  cfg: MappingContext,
  m: ParsedMapping,
  place: { at: string; index: number; count: number },
  problems: Problem[],
): CompiledMapping | undefined {
  const { at, index: i, count } = place;
  const before = problems.length;
  const fn = cfg.functions.get(m.FunctionName);
  if (fn === undefined && !cfg.hasFunction(m.FunctionName))
    problems.push({ path: `${at}.FunctionName`, message: `no function "${m.FunctionName}" in functions` });

  // Without EventSourceArn, a connector's own fields may name the source (self-managed Kafka).
  const address = m.EventSourceArn ?? addressNamedBy(m);
  const source = address === undefined ? undefined : sourceAt(address);
  if (address === undefined || source === undefined) {
    problems.push({
      path: `${at}.EventSourceArn`,
      message:
        m.EventSourceArn === undefined
          ? `required${addressHints()
              .map((h) => ` (or ${h})`)
              .join('')}`
          : `"${m.EventSourceArn}" is not a supported source (${sourceHints().join(', ')})`,
    });
    return undefined;
  }

  const { kind, rules, fields: own, filter } = source;
  if (rules.unsupported !== undefined) {
    problems.push({ path: `${at}.EventSourceArn`, message: rules.unsupported });
    return undefined;
  }
  for (const key of Object.keys(m))
    if (!COMMON.has(key) && !rules.fields.includes(key) && !(key in (own?.shape ?? {})) && m[key] !== undefined)
      problems.push({ path: `${at}.${key}`, message: `not supported for ${kind} sources` });

  for (const key of ACCEPTED_NOT_ACTED_ON)
    if (m[key] !== undefined)
      problems.push({ path: `${at}.${key}`, message: 'accepted but not acted on by sluice', severity: 'warning' });
  const { provisioned, systemLogLevel } = compileProvisioned(m, rules, kind, at, problems);
  const ownFields = own === undefined ? {} : ownFieldsOf(own, m);
  const settings = own?.settings(ownFields, address);
  const ownConnection = own?.connectionOf?.(settings);
  const needs = rules.needsConnection ? kind : undefined;
  let connectionName = m.Connection;
  let connection = m.Connection === undefined ? undefined : cfg.connections[m.Connection];
  if (m.Connection !== undefined && connection === undefined)
    problems.push({ path: `${at}.Connection`, message: `no connection "${m.Connection}" in connections` });
  else if (connection !== undefined && needs !== connection.type)
    problems.push({
      path: `${at}.Connection`,
      message: `connection "${m.Connection}" is of type ${connection.type}, the source needs ${needs ?? 'none'}`,
    });
  else if (m.Connection === undefined && needs !== undefined && ownConnection === undefined) {
    // The same rule as destinations; never an implicit AWS endpoint with the host's credentials.
    const d = defaultConnection(cfg.connections, needs);
    if ('problem' in d)
      problems.push({
        path: `${at}.Connection`,
        message: `${rules.connectionHint ?? 'the source needs a connection'}: ${d.message}`,
      });
    else ({ name: connectionName, connection } = d);
  }

  const isQueue = rules.shape === 'queue';
  const fifo = isQueue && rules.fifo === true;
  const batchSize = m.BatchSize ?? rules.defaults.batchSize;
  const windowS = m.MaximumBatchingWindowInSeconds;
  if (fifo && batchSize > 10) problems.push({ path: `${at}.BatchSize`, message: 'FIFO queues accept BatchSize 1-10' });
  if (fifo && windowS !== undefined)
    problems.push({ path: `${at}.MaximumBatchingWindowInSeconds`, message: 'not supported for FIFO queues' });
  const unwindowed = rules.maxBatchSizeWithoutWindow;
  if (!fifo && unwindowed !== undefined && batchSize > unwindowed && (windowS ?? 0) < 1)
    problems.push({
      path: `${at}.MaximumBatchingWindowInSeconds`,
      message: `BatchSize over ${unwindowed} requires MaximumBatchingWindowInSeconds of at least 1 (P-1)`,
    });
  if (!isQueue && m.StartingPosition === undefined)
    problems.push({ path: `${at}.StartingPosition`, message: `required for ${kind} sources` });
  if (m.StartingPosition === 'AT_TIMESTAMP' && m.StartingPositionTimestamp === undefined)
    problems.push({ path: `${at}.StartingPositionTimestamp`, message: 'required with AT_TIMESTAMP' });
  if (m.StartingPosition !== 'AT_TIMESTAMP' && m.StartingPositionTimestamp !== undefined)
    problems.push({ path: `${at}.StartingPositionTimestamp`, message: 'only allowed with AT_TIMESTAMP' });
  if (m.StartingPositionTimestamp !== undefined && m.StartingPositionTimestamp * 1000 > Date.now())
    problems.push({ path: `${at}.StartingPositionTimestamp`, message: 'must not be in the future' });
  // P-2: -1 or at least 60.
  const age = m.MaximumRecordAgeInSeconds ?? -1;
  if (age !== -1 && age < 60)
    problems.push({ path: `${at}.MaximumRecordAgeInSeconds`, message: 'must be -1 (infinite) or 60-604800 (P-2)' });
  // P-11, FLT-12: filter count, pattern length and every pattern, with warnings for non-portable operators (D-6).
  const filters = m.FilterCriteria?.Filters ?? [];
  if (m.FilterCriteria !== undefined)
    for (const issue of validateFilterCriteria(m.FilterCriteria, {
      maxFilters: cfg.maxFiltersPerMapping,
      source: filter,
    }))
      problems.push({ path: `${at}.${issue.path}`, message: issue.message, severity: issue.severity });
  const onFailure = m.DestinationConfig?.OnFailure?.Destination;
  if (m.DestinationConfig?.OnSuccess !== undefined)
    problems.push({
      path: `${at}.DestinationConfig.OnSuccess`,
      message: 'event source mappings support OnFailure only',
    });
  const failureProblem =
    onFailure === undefined ? undefined : destinationProblem(cfg.connections, onFailure, 'mapping-on-failure');
  if (failureProblem !== undefined)
    problems.push({ path: `${at}.DestinationConfig.OnFailure.Destination`, message: failureProblem });
  // A destination the source reaches itself (e.g. a topic of its own cluster) needs no connection of its own.
  else if (onFailure !== undefined && rules.ownsDestination?.(onFailure) !== true) {
    const noConnection = destinationConnectionProblem(cfg.connections, onFailure);
    if (noConnection !== undefined)
      problems.push({ path: `${at}.DestinationConfig.OnFailure.Destination`, message: noConnection });
  }
  const common = {
    EventSourceArn: m.EventSourceArn,
    StartingPosition: m.StartingPosition,
    BatchSize: m.BatchSize,
    MaximumBatchingWindowInSeconds: windowS,
    FunctionResponseTypes: m.FunctionResponseTypes,
    onFailure,
    functionTimeoutMs: fn?.timeoutMs,
  };
  const sourceProblems = [...(rules.check?.(common) ?? []), ...(own?.check?.(ownFields, common) ?? [])];
  for (const [field, message] of sourceProblems) problems.push({ path: `${at}.${field}`, message });

  if (problems.slice(before).some((p) => p.severity !== 'warning')) return undefined;
  const explicitGroup = own?.consumerGroupOf?.(ownFields);
  const uuid = m.UUID ?? identityUuid(m.FunctionName, address, explicitGroup, own?.sourceNameOf?.(settings));
  const legacyUuids = m.UUID === undefined ? positionalUuids(m.FunctionName, address, i, count) : undefined;
  const defaultGroup = rules.defaultConsumerGroup;
  const legacyConsumerGroups =
    explicitGroup === undefined && defaultGroup !== undefined ? legacyUuids?.map(defaultGroup) : undefined;
  const maxBatchingWindowMs = windowS !== undefined ? windowS * 1000 : rules.defaults.maxBatchingWindowMs;
  return {
    uuid,
    explicitUuid: m.UUID !== undefined,
    legacyUuids,
    legacyConsumerGroups,
    arn: `arn:aws:lambda:${cfg.region}:${cfg.accountId}:event-source-mapping:${uuid}`,
    functionName: m.FunctionName,
    kind,
    shape: rules.shape,
    filter,
    eventSourceArn: address,
    connectionName,
    connection,
    ownConnection,
    enabled: m.Enabled,
    batchSize,
    maxBatchingWindowMs,
    startingPosition: m.StartingPosition,
    startingPositionTimestampMs:
      m.StartingPositionTimestamp === undefined ? undefined : Math.round(m.StartingPositionTimestamp * 1000),
    filterPatterns: filters.map((f) => f.Pattern),
    reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    bisectBatchOnFunctionError: m.BisectBatchOnFunctionError ?? false,
    maximumRetryAttempts: m.MaximumRetryAttempts ?? -1,
    maximumRecordAgeMs: age === -1 ? -1 : age * 1000,
    parallelizationFactor: m.ParallelizationFactor ?? 1,
    tumblingWindowMs: (m.TumblingWindowInSeconds ?? 0) * 1000,
    onFailure,
    maximumConcurrency: m.ScalingConfig?.MaximumConcurrency,
    provisioned,
    systemLogLevel,
    fifo,
    consumerGroupId: explicitGroup ?? defaultGroup?.(uuid),
    settings,
    shown: shownFields(m),
  };
}

/** Each connector's rules across all its mappings (KAF-5: one consumer group per Kafka mapping). */
export function acrossMappings(
  mappings: readonly CompiledMapping[],
  places: ReadonlyMap<CompiledMapping, string>,
): Problem[] {
  const problems: Problem[] = [];
  for (const kind of new Set(mappings.map((m) => m.kind))) {
    const fields = mappingFieldsOf(kind);
    const own = mappings.filter((m) => m.kind === kind);
    const seen = own.map((m) => ({
      at: places.get(m) ?? '',
      address: m.eventSourceArn,
      consumerGroupId: m.consumerGroupId,
      settings: m.settings,
    }));
    for (const [path, message] of fields?.checkAll?.(seen) ?? []) problems.push({ path, message });
  }
  problems.push(...pollerGroupProblems(mappings.map((m) => ({ at: places.get(m) ?? '', provisioned: m.provisioned }))));
  return problems;
}

function shownFields(m: ParsedMapping): Record<string, unknown> | undefined {
  const keys = SHOWN_AS_SET.filter((k) => m[k] !== undefined);
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, m[k]]));
}
