// API-2 (read-only part): GetEventSourceMapping `GET /2015-03-31/event-source-mappings/{UUID}` and
// ListEventSourceMappings `GET /2015-03-31/event-source-mappings/`, answering Lambda's
// EventSourceMappingConfiguration shape so @aws-sdk/client-lambda (and dashboards built on it) can read each
// mapping's settings and State. Mappings come from the config file; create/update/delete are not offered.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderOwnFields, sourceAt } from '../config/addresses.js';
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import { LambdaApiError } from '../ports/errors.js';
import { asApiError, parseFunctionRef } from '../http/invoke-routes.js';
import { sendError, sendJson } from '../http/respond.js';
import type { ExtraRoute } from '../http/server.js';

const ONE = /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/;
const LIST = /^\/2015-03-31\/event-source-mappings\/?$/;

/** API-5 states a file-configured mapping passes through. */
export type MappingState = 'Creating' | 'Enabled' | 'Disabling' | 'Disabled';

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

function notFound(): LambdaApiError {
  return new LambdaApiError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
}

function maxItems(raw: string | null): number {
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new LambdaApiError('InvalidParameterValueException', 400, 'MaxItems must be between 1 and 10000');
  return n;
}

export function eventSourceMappingRoutes(config: CompiledConfig, states: MappingStates): ExtraRoute[] {
  const lastModifiedMs = Date.now();
  const view = (m: CompiledMapping) => toMappingConfiguration(config, m, states, lastModifiedMs);

  const get = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void => {
    const requestId = randomUUID();
    req.resume();
    try {
      const uuid = decodeURIComponent(match[1] ?? '');
      const m = config.mappings.find((x) => x.uuid === uuid);
      if (m === undefined) throw notFound();
      sendJson(res, 200, view(m), { 'x-amzn-RequestId': requestId });
    } catch (err) {
      sendError(res, asApiError(err), requestId);
    }
  };

  const list = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    const requestId = randomUUID();
    req.resume();
    try {
      const fnRef = query.get('FunctionName');
      const fnName = fnRef === null ? undefined : parseFunctionRef(fnRef).name;
      const source = query.get('EventSourceArn');
      const all = config.mappings.filter(
        (m) => (fnName === undefined || m.functionName === fnName) && (source === null || m.eventSourceArn === source),
      );
      // Marker: the index of the next mapping, as an opaque string.
      const start = Number(query.get('Marker') ?? 0);
      if (!Number.isInteger(start) || start < 0)
        throw new LambdaApiError('InvalidParameterValueException', 400, 'bad Marker');
      const n = maxItems(query.get('MaxItems'));
      const page = all.slice(start, start + n);
      const body: Record<string, unknown> = { EventSourceMappings: page.map(view) };
      if (start + n < all.length) body.NextMarker = String(start + n);
      sendJson(res, 200, body, { 'x-amzn-RequestId': requestId });
    } catch (err) {
      sendError(res, asApiError(err), requestId);
    }
  };

  return [
    { method: 'GET', pattern: LIST, handle: (req, res, _m, query) => Promise.resolve(list(req, res, query)) },
    { method: 'GET', pattern: ONE, handle: (req, res, match) => Promise.resolve(get(req, res, match)) },
  ];
}
