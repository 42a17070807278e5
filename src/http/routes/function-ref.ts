// FN-4: the FunctionName forms of the Function API (name, partial ARN, full ARN, each with an optional
// `:qualifier` on reads) resolved against sluice's own account and region (OPEN-1), and the JSON-route plumbing
// shared by the Function API routes (x-amzn-RequestId on every answer, Lambda's error form).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import { readBody, sendError, sendJson } from '../respond.js';
import { parseJsonBody } from '../json-check.js';
import { asApiError } from './invoke.js';
import type { ExtraRoute } from '../server.js';

export interface AccountScope {
  region: string;
  accountId: string;
}

export interface FunctionRef {
  name: string;
  /** The qualifier of the name or of `?Qualifier=` (they must agree). */
  qualifier?: string;
  /** Unqualified ARN. */
  arn: string;
}

const NAME = '([A-Za-z0-9_-]{1,64})';
const QUALIFIER = '(?::([$A-Za-z0-9_-]{1,128}))?';
const FULL = new RegExp(`^arn:aws[\\w-]*:lambda:([a-z0-9-]+):(\\d{12}):function:${NAME}${QUALIFIER}$`);
const PARTIAL = new RegExp(`^(\\d{12}):function:${NAME}${QUALIFIER}$`);
const PLAIN = new RegExp(`^${NAME}${QUALIFIER}$`);

export function invalidParameter(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', 400, message);
}

export function functionNotFound(arn: string): LambdaApiError {
  return new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
}

export function functionArnOf(scope: AccountScope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
}

/**
 * Resolves a (percent-encoded) FunctionName path segment. A malformed name → InvalidParameterValueException; an ARN
 * of another account or region → ResourceNotFoundException (OPEN-1); a name qualifier other than `?Qualifier=`
 * → InvalidParameterValueException (FN-4).
 */
export function resolveFunctionRef(scope: AccountScope, raw: string, query?: URLSearchParams): FunctionRef {
  let ref: string;
  try {
    ref = decodeURIComponent(raw);
  } catch {
    throw invalidParameter('FunctionName: malformed %-encoding');
  }
  let region = scope.region;
  let account = scope.accountId;
  let name: string | undefined;
  let qualifier: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = FULL.exec(ref))) [, region = '', account = '', name, qualifier] = m;
  else if ((m = PARTIAL.exec(ref))) [, account = '', name, qualifier] = m;
  else if ((m = PLAIN.exec(ref))) [, name, qualifier] = m;
  if (name === undefined || ref.length > 256)
    throw invalidParameter(
      `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: a function name, a partial ARN or a full ARN',
    );
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  const q = query?.get('Qualifier') ?? undefined;
  if (q !== undefined && qualifier !== undefined && q !== qualifier)
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  if (region !== scope.region || account !== scope.accountId) throw functionNotFound(arn);
  return { name, qualifier: qualifier ?? q, arn };
}

/** sluice keeps only `$LATEST`: another qualifier (version, alias) is not found. */
export function latestOnly(ref: FunctionRef): void {
  if (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') throw functionNotFound(`${ref.arn}:${ref.qualifier}`);
}

/** A handler's answer: a JSON body with its status, or 204 without one. */
export type Answer = { status: number; body?: unknown };

type Handler = (
  match: RegExpExecArray,
  query: URLSearchParams,
  body: () => Promise<Record<string, unknown>>,
) => Promise<Answer>;

/** A JSON body of up to 64 KB that must be an object. */
async function objectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parsed = parseJsonBody(await readBody(req, 64 * 1024));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new LambdaApiError('InvalidRequestContentException', 400, 'The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** One route of the Function API: every answer, error or not, carries x-amzn-RequestId (FN-1, FN-2). */
export function apiRoute(method: string, pattern: RegExp, handle: Handler): ExtraRoute {
  return {
    method,
    pattern,
    async handle(req: IncomingMessage, res: ServerResponse, match, query) {
      const requestId = randomUUID();
      let read = false;
      try {
        const answer = await handle(match, query, () => {
          read = true;
          return objectBody(req);
        });
        if (!read) req.resume();
        if (answer.body === undefined) res.writeHead(answer.status, { 'x-amzn-RequestId': requestId }).end();
        else sendJson(res, answer.status, answer.body, { 'x-amzn-RequestId': requestId });
      } catch (err) {
        if (!read) req.resume();
        sendError(res, asApiError(err), requestId);
      }
    },
  };
}

/** `MaxItems` in [1, max] (default `fallback`); the Function API caps pages below what it accepts. */
export function maxItemsOf(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('MaxItems');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidParameter(`MaxItems must be between 1 and ${max}`);
  return n;
}
