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
  res.end(text);
}

/** Lambda's REST-JSON error form: the exception name in a header and in the body (ERR-5). */
export function sendError(res: ServerResponse, err: LambdaApiError, requestId: string): void {
  const headers: Record<string, string> = { 'x-amzn-ErrorType': err.code, 'x-amzn-RequestId': requestId };
  const retryAfter = err.extra.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
  const extra = Object.fromEntries(Object.entries(err.extra).filter(([k]) => k !== 'retryAfterSeconds'));
  sendJson(res, err.statusCode, { Type: err.type, message: err.message, Message: err.message, ...extra }, headers);
}

/** Reads a request body up to `limit` bytes; beyond it answers 413 RequestTooLargeException (ASY-2). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(declared, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(size, limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(size: number, limit: number): LambdaApiError {
  return new LambdaApiError(
    'RequestTooLargeException',
    413,
    `Request must be smaller than ${limit} bytes for the InvokeFunction operation (got ${size} bytes or more)`,
  );
}
