// ASY-9: PUT (replace), POST (update), GET and DELETE /2019-09-25/functions/{name}/event-invoke-config.
// The file config is the starting state; changes live in this process (not persisted).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledConfig } from '../../config/compile.js';
import { LambdaApiError } from '../../ports/errors.js';
import { asApiError, parseFunctionRef } from './invoke.js';
import { parseJsonBody } from '../json-check.js';
import { readBody, sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';
import { ALLOWED_API_DESTINATIONS, apiDestinationProblem } from '../../app/api-destinations.js';
import type { EventInvokeConfig, Functions } from '../../app/functions.js';

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

function dest(config: CompiledConfig, v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${name} must be a string (${ALLOWED_API_DESTINATIONS})`);
  const problem = apiDestinationProblem(config, v);
  if (problem !== undefined) throw invalid(`${name} ${JSON.stringify(v)} ${problem}; ${ALLOWED_API_DESTINATIONS}`);
  return v;
}

function toResponse(arn: string, c: EventInvokeConfig): Record<string, unknown> {
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

export function eventInvokeConfigRoutes(functions: Functions, config: CompiledConfig): ExtraRoute[] {
  const handler =
    (method: string) =>
    async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> => {
      const requestId = randomUUID();
      try {
        const { name } = parseFunctionRef(match[1] ?? '');
        const fn = functions.get(name);
        if (fn === undefined) throw new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${name}`);
        const current = functions.eventInvokeConfig(name);
        if (method !== 'GET' && config.server.api.readOnly) {
          req.resume();
          throw new LambdaApiError('AccessDeniedException', 403, 'configuration changes are off (server.api.readOnly)');
        }
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
          config,
          body.DestinationConfig?.OnSuccess?.Destination,
          'DestinationConfig.OnSuccess.Destination',
        );
        const onFailure = dest(
          config,
          body.DestinationConfig?.OnFailure?.Destination,
          'DestinationConfig.OnFailure.Destination',
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
