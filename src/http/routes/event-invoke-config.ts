// ASY-9: PUT (replace), POST (update), GET and DELETE /2019-09-25/functions/{name}/event-invoke-config.
// The file config is the starting state; changes live in this process (not persisted).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import { asApiError, parseFunctionRef } from './invoke.js';
import { parseJsonBody } from '../json-check.js';
import { readBody, sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';

/** A function's async settings as the API sets them (the app keeps them per function). */
export interface EventInvokeConfig {
  maximumRetryAttempts: number;
  maximumEventAgeMs: number;
  onSuccess?: string;
  onFailure?: string;
  lastModifiedMs: number;
}

/** What the app provides: its functions' settings, and which destinations a caller of the API may set. */
export interface EventInvokeConfigDeps {
  functions: {
    get(name: string): { arn: string } | undefined;
    eventInvokeConfig(name: string): EventInvokeConfig | undefined;
    setEventInvokeConfig(name: string, cfg: EventInvokeConfig | undefined): void;
  };
  /** Why `address` may not be set over the API, or undefined when it may. */
  destinationProblem(address: string, role: 'async-on-success' | 'async-on-failure'): string | undefined;
  /** The destination forms that may be set, for the refusal's message. */
  allowedDestinations: string;
}

const ROUTE = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config\/?$/;

interface Body {
  MaximumRetryAttempts?: unknown;
  MaximumEventAgeInSeconds?: unknown;
  DestinationConfig?: { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } };
}

function invalid(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', 400, message);
}

function intIn(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalid(`${name} must be an integer between ${min} and ${max}`);
  return v;
}

function dest(
  deps: EventInvokeConfigDeps,
  v: unknown,
  name: string,
  role: 'async-on-success' | 'async-on-failure',
): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${name} must be a string (${deps.allowedDestinations})`);
  const problem = deps.destinationProblem(v, role);
  if (problem !== undefined) throw invalid(`${name} ${JSON.stringify(v)} ${problem}; ${deps.allowedDestinations}`);
  return v;
}

/** ASY-9's FunctionEventInvokeConfig shape (also listed by ListFunctionEventInvokeConfigs, FN-32). */
export function toResponse(arn: string, c: EventInvokeConfig): Record<string, unknown> {
  return {
    LastModified: c.lastModifiedMs / 1000,
    FunctionArn: `${arn}:$LATEST`,
    MaximumRetryAttempts: c.maximumRetryAttempts,
    MaximumEventAgeInSeconds: Math.round(c.maximumEventAgeMs / 1000),
    DestinationConfig: {
      OnSuccess: c.onSuccess === undefined ? {} : { Destination: c.onSuccess },
      OnFailure: c.onFailure === undefined ? {} : { Destination: c.onFailure },
    },
  };
}

export function eventInvokeConfigRoutes(deps: EventInvokeConfigDeps): ExtraRoute[] {
  const { functions } = deps;
  const handler =
    (method: string) =>
    async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> => {
      const requestId = randomUUID();
      try {
        const { name } = parseFunctionRef(match[1] ?? '');
        const fn = functions.get(name);
        if (fn === undefined) throw new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${name}`);
        const current = functions.eventInvokeConfig(name);
        if (method === 'GET' || method === 'DELETE') {
          req.resume();
          if (current === undefined)
            throw new LambdaApiError(
              'ResourceNotFoundException',
              404,
              `The function ${fn.arn} doesn't have an EventInvokeConfig`,
            );
          if (method === 'GET')
            return sendJson(res, 200, toResponse(fn.arn, current), { 'x-amzn-RequestId': requestId });
          functions.setEventInvokeConfig(name, undefined);
          res.writeHead(204, { 'x-amzn-RequestId': requestId }).end();
          return;
        }
        const parsed = parseJsonBody(await readBody(req, 64 * 1024));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new LambdaApiError('InvalidRequestContentException', 400, 'The request body must be a JSON object');
        const body = parsed as Body;
        if (
          body.DestinationConfig !== undefined &&
          (typeof body.DestinationConfig !== 'object' || body.DestinationConfig === null)
        )
          throw invalid('DestinationConfig must be an object');
        const retries = intIn(body.MaximumRetryAttempts, 'MaximumRetryAttempts', 0, 2);
        const age = intIn(body.MaximumEventAgeInSeconds, 'MaximumEventAgeInSeconds', 60, 21600);
        const onSuccess = dest(
          deps,
          body.DestinationConfig?.OnSuccess?.Destination,
          'DestinationConfig.OnSuccess.Destination',
          'async-on-success',
        );
        const onFailure = dest(
          deps,
          body.DestinationConfig?.OnFailure?.Destination,
          'DestinationConfig.OnFailure.Destination',
          'async-on-failure',
        );
        // PUT replaces the whole config (left-out settings return to defaults); POST changes the given fields.
        const base = method === 'PUT' || current === undefined ? undefined : current;
        const next: EventInvokeConfig = {
          maximumRetryAttempts: retries ?? base?.maximumRetryAttempts ?? 2,
          maximumEventAgeMs: age !== undefined ? age * 1000 : (base?.maximumEventAgeMs ?? 21_600_000),
          onSuccess: body.DestinationConfig?.OnSuccess !== undefined ? onSuccess : base?.onSuccess,
          onFailure: body.DestinationConfig?.OnFailure !== undefined ? onFailure : base?.onFailure,
          lastModifiedMs: Date.now(),
        };
        functions.setEventInvokeConfig(name, next);
        sendJson(res, 200, toResponse(fn.arn, next), { 'x-amzn-RequestId': requestId });
      } catch (err) {
        sendError(res, asApiError(err), requestId);
      }
    };
  return ['PUT', 'POST', 'GET', 'DELETE'].map((method) => ({ method, pattern: ROUTE, handle: handler(method) }));
}
