// Turns each enabled event source mapping of the compiled config into a running queue poller or
// stream mapping over the connector that serves its address.
import { connectors, findConnector } from '../../connectors/index.js';
import type { CompiledConfig, CompiledFunction, CompiledMapping } from '../config/compile.js';
import { createQueuePoller } from '../core/esm/queue-poller.js';
import { checkVisibilityTimeout } from '../core/esm/queue-options.js';
import { createStreamMapping } from '../core/esm/stream-mapping.js';
import { RecordFilter } from '../core/filter/index.js';
import type { Invoker } from '../core/invoke/types.js';
import type { Clock } from '../ports/clock.js';
import type { ConnectorContext, ConnectorDefinition, StreamSourceOptions } from '../ports/connector.js';
import { SluiceError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { Destination, StartPosition, StreamSource } from '../ports/sources.js';
import type { StateStore } from '../ports/state.js';
import { pausedInNotes } from './shard-control.js';
import { settledWithin } from './deadline.js';
import type { ShardOperable } from './shard-control.js';
import type { Destinations } from './destinations.js';
import { adoptLegacyCheckpoints, consumerGroupToUse } from './mapping-identity.js';
import { mappingLogger } from './mapping-logger.js';

export interface RunningMapping {
  uuid: string;
  stop(graceMs: number): Promise<void>;
  /** A started stream mapping that has not listed its shards yet, or whose source fails now. */
  problem?(): { state: 'starting' | 'retrying'; error?: string } | undefined;
  /** A stream mapping's shards for operator controls (#21). */
  operable?: ShardOperable;
}

export interface MappingDeps {
  /** The process-wide instance of a connector that has one (memory: the broker), by kind. */
  instances: Readonly<Record<string, unknown>>;
  invoker: Invoker;
  state: StateStore;
  /** Several processes share the work: stream shards need leases. */
  sharedState: boolean;
  destinations: Destinations;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  instanceId: string;
}

function startPosition(m: CompiledMapping): StartPosition {
  if (m.startingPosition === 'AT_TIMESTAMP')
    return { type: 'AT_TIMESTAMP', timestampMs: m.startingPositionTimestampMs ?? 0 };
  return { type: m.startingPosition ?? 'LATEST' };
}

/** D-10: a reserved function runs at most its reservation; the others share what is left of the account's. */
function concurrencyLimitOf(config: CompiledConfig, fn: CompiledFunction): number {
  if (fn.reservedConcurrency !== undefined) return fn.reservedConcurrency;
  let reserved = 0;
  for (const f of config.functions.values()) reserved += f.reservedConcurrency ?? 0;
  return config.accountConcurrency - reserved;
}

export function connectorContext(
  config: CompiledConfig,
  m: CompiledMapping,
  deps: MappingDeps,
  logger: Logger,
): ConnectorContext {
  const connection: Record<string, unknown> = { ...m.ownConnection, ...m.connection };
  return {
    connection,
    region: config.region,
    accountId: config.accountId,
    logger,
    metrics: deps.metrics,
    instance: deps.instances[m.kind],
  };
}

/**
 * ESMAPI-14 (P-6) at CreateEventSourceMapping: Lambda's message when the queue's visibility timeout is shorter than
 * the function's timeout; undefined when it is not, or when the queue cannot be asked now (its start retries then).
 */
export async function queueProblem(
  config: CompiledConfig,
  m: CompiledMapping,
  deps: MappingDeps,
): Promise<string | undefined> {
  const fn = config.functions.get(m.functionName);
  const connector = findConnector(connectors, m.eventSourceArn);
  if (m.shape !== 'queue' || fn === undefined || connector?.createQueueSource === undefined) return undefined;
  const source = connector.createQueueSource(m.eventSourceArn, connectorContext(config, m, deps, deps.logger), {
    mappingId: m.uuid,
    batchSize: m.batchSize,
    functionName: m.functionName,
    settings: m.settings,
  });
  try {
    if (source.redelivery !== 'visibility-timeout') return undefined;
    const described = await source.describe?.().catch(() => undefined);
    if (described?.visibilityTimeoutMs === undefined) return undefined;
    checkVisibilityTimeout(fn.timeoutMs, described.visibilityTimeoutMs);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await source.close();
  }
}

/** Starts one enabled mapping; throws when its source cannot be reached or the config is refused (P-6). */
export async function startOne(config: CompiledConfig, m: CompiledMapping, deps: MappingDeps): Promise<RunningMapping> {
  const logger = mappingLogger(deps.logger, m);
  const fn = config.functions.get(m.functionName);
  if (fn === undefined) throw new SluiceError('InvalidConfig', `mapping ${m.uuid}: no function ${m.functionName}`);
  const connector = findConnector(connectors, m.eventSourceArn);
  if (connector === undefined) throw new SluiceError('UnsupportedSource', `no connector for ${m.eventSourceArn}`);
  const ctx = connectorContext(config, m, deps, logger);
  const filter =
    m.filterPatterns.length === 0
      ? undefined
      : RecordFilter.compile({ Filters: m.filterPatterns.map((Pattern) => ({ Pattern })) }, m.filter, {
          maxFilters: config.maxFiltersPerMapping,
        });

  if (m.shape === 'queue') {
    if (connector.createQueueSource === undefined)
      throw new SluiceError('UnsupportedSource', `${connector.kind} has no queue source`);
    const source = connector.createQueueSource(m.eventSourceArn, ctx, {
      mappingId: m.uuid,
      batchSize: m.batchSize,
      functionName: m.functionName,
      settings: m.settings,
    });
    // An unreachable queue fails this attempt; the supervisor retries it with a new source.
    const described = await source.describe?.().catch(async (err: unknown) => {
      await source.close();
      throw err;
    });
    const visibilityTimeoutMs = described?.visibilityTimeoutMs ?? config.tuning.memoryQueueVisibilitySeconds * 1000;
    // P-6: Lambda refuses a mapping whose function can outlive the queue's visibility timeout.
    try {
      if (source.redelivery === 'visibility-timeout') checkVisibilityTimeout(fn.timeoutMs, visibilityTimeoutMs);
    } catch (err) {
      await source.close();
      const reason = err instanceof Error ? err.message : String(err);
      throw new SluiceError(
        'InvalidConfig',
        `mapping ${m.uuid} (function ${m.functionName}, source ${m.eventSourceArn}): ${reason}; raise the queue's VisibilityTimeout or lower the function's Timeout`,
      );
    }
    const concurrency = connector.sourceAt?.(m.eventSourceArn)?.concurrency;
    const poller = createQueuePoller({
      source,
      invoker: deps.invoker,
      options: {
        mappingId: m.uuid,
        functionName: m.functionName,
        batchSize: m.batchSize,
        maxBatchingWindowMs: m.maxBatchingWindowMs,
        reportBatchItemFailures: m.reportBatchItemFailures,
        maximumConcurrency: m.maximumConcurrency,
        provisioned: m.provisioned,
        concurrencyLimit: concurrencyLimitOf(config, fn),
        fifo: described?.fifo ?? m.fifo,
        scaling: config.tuning.sqsScaling,
        fixedConcurrency: typeof concurrency === 'object' ? concurrency.fixed : undefined,
        functionTimeoutMs: fn.timeoutMs,
        visibilityTimeoutMs,
      },
      metrics: deps.metrics,
      clock: deps.clock,
      logger,
      filter,
    });
    poller.start();
    return {
      uuid: m.uuid,
      stop: async (graceMs) => {
        await poller.stop(graceMs);
        await source.close();
      },
    };
  }

  if (connector.createStreamSource === undefined)
    throw new SluiceError('UnsupportedSource', `${connector.kind} has no stream source`);
  const options: StreamSourceOptions = {
    mappingId: m.uuid,
    startingPosition: startPosition(m),
    consumerGroupId: m.consumerGroupId,
    functionName: m.functionName,
    settings: m.settings,
    leased: deps.sharedState,
    provisioned: m.provisioned,
  };
  options.consumerGroupId = await consumerGroupToUse(m, connector, options, ctx, logger);
  const source = connector.createStreamSource(m.eventSourceArn, options, ctx);
  if (source.positions === 'engine')
    await adoptLegacyCheckpoints(m, source, deps.state.checkpoints, [LATEST_START], logger).catch(async (err) => {
      await source.close();
      throw err;
    });
  const rules = connector.sourceAt?.(m.eventSourceArn);
  const onFailure = streamOnFailure(m, connector, ctx, deps);
  let startingPosition: StartPosition;
  try {
    startingPosition = await durableStart(m, source, rules?.pinsLatestStart === true, deps);
  } catch (err) {
    // The state store did not answer: this attempt fails and the supervisor retries with a new source.
    await source.close();
    await onFailure?.close();
    throw err;
  }
  const mapping = createStreamMapping({
    source,
    invoker: deps.invoker,
    ...(deps.sharedState && { pausedAtStart: (shardId: string) => pausedInNotes(deps.state.notes, m.uuid, shardId) }),
    // Sources that keep positions commit through their readers (Kafka offsets, Redis XACK), some also own their
    // shards (Kafka's consumer group); other shards are leased when several processes share the state store.
    checkpoints: source.positions === 'engine' ? deps.state.checkpoints : undefined,
    leases:
      deps.sharedState && (source.positions === 'engine' || source.leasedShards === true)
        ? deps.state.leases
        : undefined,
    options: {
      mappingId: m.uuid,
      functionName: m.functionName,
      functionArn: fn.arn,
      batchSize: m.batchSize,
      maxBatchingWindowMs: m.maxBatchingWindowMs,
      parallelizationFactor: m.parallelizationFactor,
      bisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
      // KAF-14: a source may retry fewer times by default when a destination is set.
      maximumRetryAttempts:
        m.maximumRetryAttempts === -1 && m.onFailure !== undefined
          ? (rules?.retryAttemptsWithOnFailure ?? -1)
          : m.maximumRetryAttempts,
      maximumRecordAgeMs: m.maximumRecordAgeMs,
      reportBatchItemFailures: m.reportBatchItemFailures,
      tumblingWindowMs: m.tumblingWindowMs,
      onFailure: onFailure?.destination,
      startingPosition,
      pollIntervalMs: config.tuning.streamPollIntervalMs,
      retryBackoff: {
        baseMs: config.tuning.throttleBackoffSeconds.base * 1000,
        maxMs: config.tuning.throttleBackoffSeconds.max * 1000,
      },
      instanceId: deps.instanceId,
      leaseTtlMs: config.tuning.streamLeaseTtlSeconds * 1000,
    },
    metrics: deps.metrics,
    clock: deps.clock,
    logger,
    filter,
  });
  await mapping.start();
  return {
    uuid: m.uuid,
    operable: mapping,
    problem: () => {
      const d = mapping.discovery();
      if (d.error !== undefined) return { state: 'retrying', error: d.error };
      return d.listed ? undefined : { state: 'starting' };
    },
    stop: async (graceMs) => {
      const stopped = mapping.stop(graceMs);
      // A source that is down can hold a checkpoint write (XACK, commit) forever: closing the source fails that
      // write, which ends its worker. Checkpoints already written stay.
      await settledWithin(stopped, graceMs + 1_000);
      await source.close();
      await settledWithin(stopped, 1_000);
      await onFailure?.close();
    },
  };
}

/**
 * An on-failure destination the source reaches itself goes through the mapping's own connection (e.g. KAF-16: a
 * topic of the mapping's Kafka cluster); any other is a shared destination.
 */
function streamOnFailure(
  m: CompiledMapping,
  connector: ConnectorDefinition,
  ctx: ConnectorContext,
  deps: MappingDeps,
): { destination: Destination; close(): Promise<void> } | undefined {
  if (m.onFailure === undefined) return undefined;
  const own = connector.sourceAt?.(m.eventSourceArn)?.ownsDestination?.(m.onFailure) === true;
  if (!own || connector.createDestination === undefined)
    return { destination: deps.destinations.get(m.onFailure), close: () => Promise.resolve() };
  const destination = connector.createDestination(m.onFailure, ctx);
  return { destination, close: () => destination.close() };
}

const LATEST_START = '$latest-start';

/**
 * LATEST means "records after the mapping started", not "after whenever a shard happens to be opened": a shard
 * that had no checkpoint yet when sluice crashed would otherwise skip what arrived while it was down. So the
 * first start time is kept in the state store and shards without a checkpoint open AT_TIMESTAMP of it.
 */
async function durableStart(
  m: CompiledMapping,
  source: StreamSource,
  pinsLatestStart: boolean,
  deps: MappingDeps,
): Promise<StartPosition> {
  const configured = startPosition(m);
  if (configured.type !== 'LATEST' || source.positions === 'source' || !pinsLatestStart) return configured;
  const saved = await deps.state.checkpoints.get(m.uuid, LATEST_START);
  const timestampMs = saved === undefined ? deps.clock.now() : Number(saved);
  if (saved === undefined) await deps.state.checkpoints.set(m.uuid, LATEST_START, String(timestampMs));
  return { type: 'AT_TIMESTAMP', timestampMs };
}
