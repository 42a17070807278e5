// ESMAPI-1: Create (POST), Get, Update (PUT), Delete and List of `/2015-03-31/event-source-mappings/`, answering
// Lambda's EventSourceMappingConfiguration shape so @aws-sdk/client-lambda (and dashboards built on it) can manage
// mappings. The app keeps the mappings, checks and applies changes and renders each one (src/app/mapping-catalog.ts).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import { asApiError, parseFunctionRef } from './invoke.js';
import { parseJsonBody } from '../json-check.js';
import { readBody, sendError, sendJson } from '../respond.js';
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

/** What the app offers: the mappings, and the changes (which throw LambdaApiErrors with Lambda's codes). */
export interface MappingApi {
  list(): MappingEntry[];
  create(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(uuid: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(uuid: string): Promise<Record<string, unknown>>;
}

/** A mapping request is small: a filter of 5 patterns of 4 KB is the largest part. */
const MAX_BODY_BYTES = 256 * 1024;

async function jsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parsed = parseJsonBody(await readBody(req, MAX_BODY_BYTES));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new LambdaApiError('InvalidRequestContentException', 400, 'The request body must be a JSON object');
  return parsed as Record<string, unknown>;
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

export function eventSourceMappingRoutes(api: MappingApi): ExtraRoute[] {
  const view = (m: MappingEntry) => m.view();

  const get = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void => {
    const requestId = randomUUID();
    req.resume();
    try {
      const uuid = decodeURIComponent(match[1] ?? '');
      const m = api.list().find((x) => x.uuid === uuid);
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
      const all = api
        .list()
        .filter(
          (m) =>
            (fnName === undefined || m.functionName === fnName) && (source === null || m.eventSourceArn === source),
        );
      // Marker: the index of the next mapping, as an opaque string.
      const start = Number(query.get('Marker') ?? 0);
      if (!Number.isInteger(start) || start < 0)
        throw new LambdaApiError('InvalidParameterValueException', 400, 'bad Marker');
      // ESMAPI-8: at most 100 per response whatever MaxItems.
      const n = Math.min(100, maxItems(query.get('MaxItems')));
      const page = all.slice(start, start + n);
      const body: Record<string, unknown> = { EventSourceMappings: page.map(view) };
      if (start + n < all.length) body.NextMarker = String(start + n);
      sendJson(res, 200, body, { 'x-amzn-RequestId': requestId });
    } catch (err) {
      sendError(res, asApiError(err), requestId);
    }
  };

  /** Create, Update and Delete answer 202 with the mapping as it is now (ESMAPI-2, -3, -6). */
  const change =
    (op: (uuid: string, req: IncomingMessage) => Promise<Record<string, unknown>>) =>
    async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> => {
      const requestId = randomUUID();
      try {
        const body = await op(decodeURIComponent(match[1] ?? ''), req);
        sendJson(res, 202, body, { 'x-amzn-RequestId': requestId });
      } catch (err) {
        req.resume();
        sendError(res, asApiError(err), requestId);
      }
    };

  return [
    { method: 'GET', pattern: LIST, handle: (req, res, _m, query) => Promise.resolve(list(req, res, query)) },
    { method: 'GET', pattern: ONE, handle: (req, res, match) => Promise.resolve(get(req, res, match)) },
    { method: 'POST', pattern: LIST, handle: change(async (_uuid, req) => api.create(await jsonObject(req))) },
    { method: 'PUT', pattern: ONE, handle: change(async (uuid, req) => api.update(uuid, await jsonObject(req))) },
    {
      method: 'DELETE',
      pattern: ONE,
      handle: change((uuid, req) => {
        req.resume();
        return api.delete(uuid);
      }),
    },
  ];
}
