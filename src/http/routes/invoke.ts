// The Lambda Invoke API (ASY-1, ERR-1..5): POST /2015-03-31/functions/{name}/invocations and the legacy
// InvokeAsync route. Works with @aws-sdk/client-lambda pointed at sluice.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AsyncEngine } from '../../core/async/types.js';
import type { Invoker } from '../../core/invoke/types.js';
import { LambdaApiError } from '../../ports/errors.js';
import { checkJsonBody } from '../json-check.js';
import { readBody, sendError } from '../respond.js';

export const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
export const INVOKE_ASYNC = /^\/2014-11-13\/functions\/([^/]+)\/invoke-async\/?$/;

/** What the Event route needs of the async engine: `submit`, which resolves once the event is stored durably. */
export type AsyncSubmitter = Pick<AsyncEngine, 'submit'>;

export interface InvokeRouteDeps {
  invoker: Invoker;
  async?: AsyncSubmitter;
  maxSyncPayloadBytes: number;
  maxAsyncPayloadBytes: number;
  /** Why a function cannot be invoked now (FN-18: Pending or Failed → ResourceConflictException), if so. */
  unavailable?(functionName: string): LambdaApiError | undefined;
}

/** Accepts a name, a partial ARN (`123456789012:function:name`) or a full ARN, with an optional qualifier. */
export function parseFunctionRef(ref: string): { name: string; qualifier?: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(ref);
  } catch {
    throw new LambdaApiError('ValidationException', 400, 'Invalid function name: malformed %-encoding');
  }
  const m = /^(?:arn:[\w-]+:lambda:[^:]*:)?(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]+)(?::([$\w-]+))?$/.exec(decoded);
  if (m?.[1] === undefined) throw new LambdaApiError('ValidationException', 400, `Invalid function name: ${decoded}`);
  return { name: m[1], qualifier: m[2] };
}

function resolveFunction(deps: InvokeRouteDeps, ref: string, query: URLSearchParams): string {
  const { name, qualifier } = parseFunctionRef(ref);
  const q = query.get('Qualifier') ?? qualifier;
  const refused = deps.unavailable?.(name);
  if (refused !== undefined) throw refused;
  if (!deps.invoker.has(name) || (q !== undefined && q !== '$LATEST'))
    throw new LambdaApiError(
      'ResourceNotFoundException',
      404,
      `Function not found: ${name}${q === undefined ? '' : `:${q}`}`,
    );
  return name;
}

async function checkJson(body: Buffer): Promise<Buffer> {
  if (body.length === 0) return Buffer.from('{}');
  return checkJsonBody(body);
}

export async function handleInvoke(
  deps: InvokeRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  ref: string,
  query: URLSearchParams,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const name = resolveFunction(deps, ref, query);
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'Event') return await invokeEvent(deps, req, res, name, requestId, 202);
    if (type === 'DryRun') {
      req.resume();
      res.writeHead(204, { 'x-amzn-RequestId': requestId }).end();
      return;
    }
    if (type !== 'RequestResponse')
      throw new LambdaApiError('InvalidParameterValueException', 400, `Unsupported InvocationType: ${type}`);
    const payload = await checkJson(await readBody(req, deps.maxSyncPayloadBytes));
    const tail = req.headers['x-amz-log-type'] === 'Tail';
    const clientContext = req.headers['x-amz-client-context'];
    const result = await deps.invoker.invoke(
      name,
      {
        requestId,
        payload,
        tailLogs: tail,
        clientContext: typeof clientContext === 'string' ? clientContext : undefined,
      },
      { source: 'sync' },
    );
    switch (result.kind) {
      case 'throttle':
        throw new LambdaApiError('TooManyRequestsException', 429, result.message, {
          extra: { Reason: result.reason, retryAfterSeconds: result.retryAfterSeconds },
        });
      case 'system-error':
        throw new LambdaApiError(result.errorType, result.statusCode >= 500 ? result.statusCode : 502, result.message);
      default: {
        if (result.payload.length > deps.maxSyncPayloadBytes)
          throw new LambdaApiError(
            'ResponseSizeTooLarge',
            502,
            `Response payload size (${result.payload.length} bytes) exceeded maximum allowed payload size (${deps.maxSyncPayloadBytes} bytes).`,
          );
        const headers: Record<string, string> = {
          'Content-Type': 'application/json',
          'Content-Length': String(result.payload.length),
          'X-Amz-Executed-Version': '$LATEST',
          'x-amzn-RequestId': requestId,
        };
        // D-8: every function error reports Unhandled.
        if (result.kind === 'function-error') headers['X-Amz-Function-Error'] = 'Unhandled';
        if (tail) headers['X-Amz-Log-Result'] = Buffer.from(result.logTail ?? '').toString('base64');
        res.writeHead(200, headers).end(result.payload);
      }
    }
  } catch (err) {
    sendError(res, asApiError(err), requestId);
  }
}

async function invokeEvent(
  deps: InvokeRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  requestId: string,
  status: number,
): Promise<void> {
  const payload = await checkJson(await readBody(req, deps.maxAsyncPayloadBytes));
  if (deps.async === undefined)
    throw new LambdaApiError('ServiceException', 500, 'asynchronous invocation is not configured');
  // REC-1: the trace header's Lineage counts how often this chain invoked each function (ERR-6 guard).
  const trace = req.headers['x-amzn-trace-id'];
  await deps.async.submit(name, payload, requestId, undefined, typeof trace === 'string' ? trace : undefined);
  res.writeHead(status, { 'x-amzn-RequestId': requestId, 'Content-Length': '0' }).end();
}

/** Legacy InvokeAsync: POST /2014-11-13/functions/{name}/invoke-async/ → 202 {"Status":202}. */
export async function handleInvokeAsync(
  deps: InvokeRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  ref: string,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const name = resolveFunction(deps, ref, new URLSearchParams());
    const payload = await checkJson(await readBody(req, Math.min(deps.maxAsyncPayloadBytes, 256 * 1024)));
    if (deps.async === undefined)
      throw new LambdaApiError('ServiceException', 500, 'asynchronous invocation is not configured');
    await deps.async.submit(name, payload, requestId);
    const body = JSON.stringify({ Status: 202 });
    res.writeHead(202, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }).end(body);
  } catch (err) {
    sendError(res, asApiError(err), requestId);
  }
}

export function asApiError(err: unknown): LambdaApiError {
  if (err instanceof LambdaApiError) return err;
  return new LambdaApiError('ServiceException', 500, err instanceof Error ? err.message : String(err), { cause: err });
}
