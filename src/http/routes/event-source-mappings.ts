// API-2 (read-only part): GetEventSourceMapping `GET /2015-03-31/event-source-mappings/{UUID}` and
// ListEventSourceMappings `GET /2015-03-31/event-source-mappings/`, answering Lambda's
// EventSourceMappingConfiguration shape so @aws-sdk/client-lambda (and dashboards built on it) can read each
// mapping's settings and State. Mappings come from the config file; create/update/delete are not offered. The app
// provides the mappings and renders each one (src/app/mapping-view.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import { asApiError, parseFunctionRef } from './invoke.js';
import { sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';

const ONE = /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/;
const LIST = /^\/2015-03-31\/event-source-mappings\/?$/;

/** One mapping as the list filters it, and its EventSourceMappingConfiguration (the app renders it). */
export interface MappingEntry {
  uuid: string;
  functionName: string;
  eventSourceArn: string;
  view(): Record<string, unknown>;
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

export function eventSourceMappingRoutes(mappings: readonly MappingEntry[]): ExtraRoute[] {
  const view = (m: MappingEntry) => m.view();

  const get = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void => {
    const requestId = randomUUID();
    req.resume();
    try {
      const uuid = decodeURIComponent(match[1] ?? '');
      const m = mappings.find((x) => x.uuid === uuid);
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
      const all = mappings.filter(
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
