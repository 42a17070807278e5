// The write side of the Function API: CreateFunction (POST /2015-03-31/functions), UpdateFunctionCode
// (PUT …/{name}/code), UpdateFunctionConfiguration (PUT …/{name}/configuration), DeleteFunction (DELETE
// …/{name}). The app's FunctionApi does the work; this file reads bodies and writes Lambda's answers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import { parseJsonBody } from '../json-check.js';
import { readBody, sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';
import { asApiError } from './invoke.js';

type Body = Record<string, unknown>;

export interface FunctionWriter {
  create(body: Body): Promise<Body>;
  updateCode(ref: string, body: Body): Promise<Body>;
  updateConfiguration(ref: string, body: Body): Promise<Body>;
  delete(ref: string, qualifier: string | undefined): Promise<void>;
}

export interface FunctionWriteDeps {
  functions: FunctionWriter;
  /** server.api.readOnly: every write is refused. */
  readOnly: boolean;
}

/** FN-10, OPEN-9: base64 of 50 MiB, for CreateFunction and UpdateFunctionCode. */
const MAX_CODE_REQUEST_BYTES = 69_905_067;
/** UpdateFunctionConfiguration has per-field limits only (OPEN-9); this bounds what is buffered. */
const MAX_CONFIG_REQUEST_BYTES = 1024 * 1024;

const CREATE = /^\/2015-03-31\/functions\/?$/;
const CODE = /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/;
const CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const FUNCTION = /^\/2015-03-31\/functions\/([^/]+)\/?$/;

async function jsonBody(req: IncomingMessage, limit: number, operation: string): Promise<Body> {
  let raw: Buffer;
  try {
    raw = await readBody(req, limit);
  } catch (err) {
    if (err instanceof LambdaApiError && err.code === 'RequestTooLargeException')
      throw new LambdaApiError(
        'RequestEntityTooLargeException',
        413,
        `Request must be smaller than ${limit} bytes for the ${operation} operation`,
      );
    throw err;
  }
  const parsed = parseJsonBody(raw);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new LambdaApiError('InvalidRequestContentException', 400, 'The request body must be a JSON object');
  return parsed as Body;
}

function decode(ref: string): string {
  try {
    return decodeURIComponent(ref);
  } catch {
    throw new LambdaApiError('ValidationException', 400, 'Invalid function name: malformed %-encoding');
  }
}

export function functionWriteRoutes(deps: FunctionWriteDeps): ExtraRoute[] {
  const route = (
    method: string,
    pattern: RegExp,
    run: (req: IncomingMessage, ref: string, q: URLSearchParams) => Promise<[number, Body?]>,
  ) =>
    ({
      method,
      pattern,
      async handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, query: URLSearchParams) {
        const requestId = randomUUID();
        try {
          if (deps.readOnly) {
            req.resume();
            throw new LambdaApiError(
              'AccessDeniedException',
              403,
              'configuration changes are off (server.api.readOnly)',
            );
          }
          const [status, body] = await run(req, decode(match[1] ?? ''), query);
          if (body === undefined) res.writeHead(status, { 'x-amzn-RequestId': requestId }).end();
          else sendJson(res, status, body, { 'x-amzn-RequestId': requestId });
        } catch (err) {
          sendError(res, asApiError(err), requestId);
        }
      },
    }) satisfies ExtraRoute;
  const f = deps.functions;
  return [
    route('POST', CREATE, async (req) => [
      201,
      await f.create(await jsonBody(req, MAX_CODE_REQUEST_BYTES, 'CreateFunction')),
    ]),
    route('PUT', CODE, async (req, ref) => [
      200,
      await f.updateCode(ref, await jsonBody(req, MAX_CODE_REQUEST_BYTES, 'UpdateFunctionCode')),
    ]),
    route('PUT', CONFIGURATION, async (req, ref) => [
      200,
      await f.updateConfiguration(ref, await jsonBody(req, MAX_CONFIG_REQUEST_BYTES, 'UpdateFunctionConfiguration')),
    ]),
    route('DELETE', FUNCTION, async (req, ref, q) => {
      req.resume();
      await f.delete(ref, q.get('Qualifier') ?? undefined);
      return [204];
    }),
  ];
}
