// #21 redrive wiring: turns a request's addresses into the DLQ's queue source, the target (a function of this
// sluice, or a queue reached as a destination) and the stream readers that fetch failed stream records back.
import { randomUUID } from 'node:crypto';
import { connectors, findConnector } from '../../connectors/index.js';
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import { connectionTypeOf } from '../config/addresses.js';
import type { Invoker } from '../core/invoke/types.js';
import { SluiceError } from '../ports/errors.js';
import type { ConnectorContext } from '../ports/connector.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { Destination, StreamSource } from '../ports/sources.js';
import { connectionForType } from './connections.js';
import type { RedriveRequest } from './redrive.js';
import { replayer, type RedriveTarget } from './redrive-replay.js';
import { fetchOffsetRanges, fetchStreamRange } from './redrive-stream.js';
import type { RedrivePlan } from './redrive-tasks.js';

export interface RedrivePlanDeps {
  config: CompiledConfig;
  /** The process-wide instance of a connector that has one (memory: the broker), by kind. */
  instances: Readonly<Record<string, unknown>>;
  invoker: Invoker;
  hasFunction(name: string): boolean;
  invokeAsync(functionName: string, payload: Buffer, requestId: string): Promise<void>;
  /** A queue the caller may send to (a configured destination), checked by `problem`. */
  destination(address: string): Destination;
  destinationProblem(address: string): string | undefined;
  /** The running config's and the API's mappings, to read a failed stream range with the mapping's connection. */
  mappings(): CompiledMapping[];
  metrics: Metrics;
  logger: Logger;
}

/** Why the request cannot run, or undefined. */
export function redriveProblem(deps: RedrivePlanDeps, req: RedriveRequest): string | undefined {
  const from = findConnector(connectors, req.from);
  if (from?.createQueueSource === undefined) return `--from ${req.from}: not a queue sluice can read`;
  const type = connectionTypeOf(req.from);
  if (type !== undefined && connectionForType(deps.config, type) === undefined)
    return `--from ${req.from}: no ${type} connection is configured`;
  if (deps.hasFunction(req.to)) return undefined;
  const problem = deps.destinationProblem(req.to);
  return problem === undefined ? undefined : `--to ${req.to}: not a function of this sluice, and ${problem}`;
}

export function redrivePlan(deps: RedrivePlanDeps, req: RedriveRequest): RedrivePlan {
  const problem = redriveProblem(deps, req);
  if (problem !== undefined) throw new SluiceError('InvalidParameterValueException', problem);
  const connector = findConnector(connectors, req.from)!;
  const logger = deps.logger.child({ redrive: req.from });
  const dlq = connector.createQueueSource!(req.from, context(deps, req.from, undefined, logger), {
    mappingId: `redrive-${randomUUID()}`,
    batchSize: 10,
  });
  const target: RedriveTarget = deps.hasFunction(req.to)
    ? { kind: 'function', name: req.to }
    : { kind: 'queue', destination: deps.destination(req.to) };
  // One reader source per mapping for the whole task (created lazily; none joins a group or reads until asked).
  const streams = new Map<string, StreamSource>();
  const sourceOf = (m: CompiledMapping): StreamSource | undefined => {
    const known = streams.get(m.uuid);
    if (known) return known;
    const arn = m.eventSourceArn;
    const c = findConnector(connectors, arn);
    if (c?.createStreamSource === undefined) return undefined;
    const source = c.createStreamSource(
      arn,
      {
        mappingId: m.uuid,
        functionName: m.functionName,
        startingPosition: { type: 'TRIM_HORIZON' },
        settings: m.settings,
      },
      context(deps, arn, m, logger),
    );
    streams.set(m.uuid, source);
    return source;
  };
  const streamFor = (arn: string): StreamSource | string => {
    const m = deps.mappings().find((x) => x.eventSourceArn === arn);
    return (m && sourceOf(m)) ?? `no mapping of this sluice reads ${arn}`;
  };
  // Sources that read ranges back themselves (those with a consumer group: Kafka), the target's mappings first.
  const rangeSources = (fn: string): StreamSource[] =>
    deps
      .mappings()
      .filter((m) => m.shape === 'stream' && m.consumerGroupId !== undefined)
      .sort((a, b) => Number(b.functionName === fn) - Number(a.functionName === fn))
      .map(sourceOf)
      .filter((s): s is StreamSource => s?.readRanges !== undefined);
  return {
    dlq,
    replay: replayer(target, {
      invoker: deps.invoker,
      invokeAsync: (fn, payload, id) => deps.invokeAsync(fn, payload, id),
      fetchStream: async (info, signal) => {
        const source = streamFor(info.streamArn);
        return typeof source === 'string' ? { gone: source } : fetchStreamRange(source, info, signal);
      },
      fetchRanges: (ranges, fn, signal) => fetchOffsetRanges(rangeSources(fn), ranges, signal),
    }),
    close: async () => {
      await Promise.allSettled([dlq.close(), ...[...streams.values()].map((s) => s.close())]);
    },
  };
}

function context(
  deps: RedrivePlanDeps,
  address: string,
  m: CompiledMapping | undefined,
  logger: Logger,
): ConnectorContext {
  const type = connectionTypeOf(address);
  const named = type === undefined ? undefined : connectionForType(deps.config, type);
  const connection: Record<string, unknown> = m ? { ...m.ownConnection, ...m.connection } : { ...named };
  const kind = findConnector(connectors, address)?.kind ?? '';
  return {
    connection,
    region: deps.config.region,
    accountId: deps.config.accountId,
    logger,
    metrics: deps.metrics,
    instance: deps.instances[kind],
  };
}
