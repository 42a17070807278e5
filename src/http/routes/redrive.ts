// #21 redrive over HTTP: `POST /sluice/redrive` `{"from", "to", "rate"?, "dryRun"?, "max"?, "by"?}` answers 202 with
// the task's progress (its id); `GET /sluice/redrive/{id}` shows progress and, once ended, the report. The POST is a
// write: server auth and server.api.readOnly apply as to every other write.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedriveProgress, RedriveRequest } from '../../app/redrive.js';
import { LambdaApiError } from '../../ports/errors.js';
import { sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';
import { asApiError } from './invoke.js';
import { caller, jsonBody } from './shards.js';

export interface RedriveRouteDeps {
  /** Why the request cannot run (bad addresses), or undefined. */
  problem(req: RedriveRequest): string | undefined;
  /** Starts the task; a refusal (another one runs, an address cannot be used) is told by `refusal`. */
  start(req: RedriveRequest): Promise<RedriveProgress>;
  refusal(err: unknown): 400 | 409 | undefined;
  get(id: string): Promise<RedriveProgress | undefined>;
}

const START = /^\/sluice\/redrive\/?$/;
const ONE = /^\/sluice\/redrive\/([^/]+)$/;

function bad(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', 400, message);
}

function positive(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(`"${name}" must be a positive number`);
  return v;
}

export function parseRedrive(req: IncomingMessage, body: Record<string, unknown>): RedriveRequest {
  const { from, to } = body;
  if (typeof from !== 'string' || from === '') throw bad('"from" (the failure destination to read) is required');
  if (typeof to !== 'string' || to === '') throw bad('"to" (a function name or the source queue) is required');
  const rate = positive(body.rate, 'rate');
  const max = positive(body.max, 'max');
  if (max !== undefined && !Number.isInteger(max)) throw bad('"max" must be a whole number');
  return {
    from,
    to,
    dryRun: body.dryRun === true,
    by: caller(req, body),
    ...(rate !== undefined && { ratePerSecond: rate }),
    ...(max !== undefined && { max }),
  };
}

export function redriveRoutes(deps: RedriveRouteDeps): ExtraRoute[] {
  const handle =
    (body: (req: IncomingMessage, m: RegExpExecArray) => Promise<[number, unknown]>) =>
    async (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> => {
      const requestId = randomUUID();
      try {
        const [status, out] = await body(req, m);
        sendJson(res, status, out, { 'x-amzn-RequestId': requestId });
      } catch (err) {
        req.resume();
        sendError(res, asApiError(err), requestId);
      }
    };
  return [
    {
      method: 'POST',
      pattern: START,
      handle: handle(async (req) => {
        const request = parseRedrive(req, await jsonBody(req));
        const problem = deps.problem(request);
        if (problem !== undefined) throw bad(problem);
        try {
          return [202, await deps.start(request)];
        } catch (err) {
          const status = deps.refusal(err);
          const message = err instanceof Error ? err.message : String(err);
          if (status === 409) throw new LambdaApiError('ResourceConflictException', 409, message);
          if (status === 400) throw bad(message);
          throw err;
        }
      }),
    },
    {
      method: 'GET',
      pattern: ONE,
      handle: handle(async (req, m) => {
        req.resume();
        const p = await deps.get(decodeURIComponent(m[1] ?? ''));
        if (p === undefined)
          throw new LambdaApiError('ResourceNotFoundException', 404, 'no such redrive (reports are kept for a day)');
        return [200, p];
      }),
    },
  ];
}
