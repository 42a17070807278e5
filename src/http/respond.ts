import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from '../ports/errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  const req = res.req as IncomingMessage | undefined;
  if (req === undefined || !uploading(req)) {
    res.end(text);
    return;
  }
  // The client is still uploading (a refused or unread body): the answer goes out whole now, and the response ends
  // once the upload is drained. Ending it at once let Node close the socket with upload bytes unread, and the reset
  // that closing sends made clients (fetch, the SDKs, Node's http) fail with EPIPE/ECONNRESET instead of reading the
  // 413/429 (about half of 88 refused uploads on a 2-core machine). A client that never finishes is cut after
  // LINGER_MS, when it has long had its answer.
  res.write(text);
  const end = (): void => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  timer.unref();
  req.once('end', end);
  req.once('close', end);
  req.resume();
}

/** How long a response waits for the upload it answered early to be drained before the connection is closed. */
const LINGER_MS = 10_000;

/** A request whose declared body has not all arrived (a request without one is complete once its headers are). */
function uploading(req: IncomingMessage): boolean {
  if (req.complete || req.destroyed) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Lambda's REST-JSON error form: the exception name in a header and in the body (ERR-5). */
export function sendError(res: ServerResponse, err: LambdaApiError, requestId: string): void {
  const headers: Record<string, string> = { 'x-amzn-ErrorType': err.code, 'x-amzn-RequestId': requestId };
  const retryAfter = err.extra.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
  const extra = Object.fromEntries(Object.entries(err.extra).filter(([k]) => k !== 'retryAfterSeconds'));
  sendJson(res, err.statusCode, { Type: err.type, message: err.message, Message: err.message, ...extra }, headers);
}

/**
 * The bytes of request bodies buffered at once, over all requests. A body is admitted (its declared
 * Content-Length reserved) before any of it is read, and its bytes stay reserved until its response is
 * done, since the handler holds the buffer until then.
 */
export class BodyBudget {
  #used = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  tryReserve(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

const budgets = new WeakMap<IncomingMessage, { budget: BodyBudget; res: ServerResponse }>();

/** Makes every readBody of `req` count against `budget` until `res` closes. */
export function useBodyBudget(req: IncomingMessage, res: ServerResponse, budget: BodyBudget): void {
  budgets.set(req, { budget, res });
}

const readEarly = new WeakMap<IncomingMessage, Buffer>();

/** A body the server read before routing (to check its signature); the route's readBody gets it. */
export function keepBody(req: IncomingMessage, body: Buffer): void {
  readEarly.set(req, body);
}

/**
 * Reads a request body up to `limit` bytes; beyond it answers 413 RequestTooLargeException (ASY-2). Checks
 * the declared Content-Length against the limit and the shared budget before reading anything.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const early = readEarly.get(req);
  if (early !== undefined) {
    if (early.length > limit) throw tooLarge(early.length, limit);
    return early;
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  const held = budgets.get(req);
  if (Number.isFinite(declared) && declared > limit) {
    dropBody(req);
    throw tooLarge(declared, limit);
  }
  let reserved = 0;
  const reserve = (bytes: number) => {
    if (held === undefined || bytes <= reserved) return;
    if (!held.budget.tryReserve(bytes - reserved)) {
      dropBody(req);
      throw busy(held.budget.limit);
    }
    if (reserved === 0) held.res.once('close', () => held.budget.release(reserved));
    reserved = bytes;
  };
  reserve(Number.isFinite(declared) ? declared : 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      dropBody(req);
      throw tooLarge(size, limit);
    }
    reserve(size); // bodies without Content-Length (chunked) reserve as they arrive
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A refused body is drained without being kept, not cut off: closing the connection mid-upload makes
 * clients (fetch, the SDKs) fail with EPIPE instead of reading the 413/429 answer.
 */
function dropBody(req: IncomingMessage): void {
  req.resume();
}

function busy(limit: number): LambdaApiError {
  return new LambdaApiError(
    'TooManyRequestsException',
    429,
    `Too many request bytes in flight (server.maxBufferedBodyBytes ${limit}); retry later`,
    { extra: { Reason: 'CallerRateLimitExceeded', retryAfterSeconds: 1 } },
  );
}

function tooLarge(size: number, limit: number): LambdaApiError {
  return new LambdaApiError(
    'RequestTooLargeException',
    413,
    `Request must be smaller than ${limit} bytes for the InvokeFunction operation (got ${size} bytes or more)`,
  );
}
