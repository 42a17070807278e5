// POST /sluice/memory/queues/{name}/messages and /sluice/memory/streams/{name}/records: put records into
// the in-process memory sources. The broker is capped (limits.memorySources); a full one answers 429.
// GET on the same paths shows what a queue (a DLQ too) or stream holds, without receiving it (`sluice peek`).
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError, SluiceError } from '../../ports/errors.js';
import { asApiError } from './invoke.js';
import { readBody, sendError, sendJson } from '../respond.js';

export interface MemorySources {
  sendToQueue(queue: string, body: string, groupId?: string): string;
  putToStream(stream: string, partitionKey: string, data: Buffer): { shardId: string; sequenceNumber: string };
  /** What a queue holds (undefined: no such queue yet); nothing is received or changed. */
  peekQueue(queue: string, limit: number): readonly unknown[] | undefined;
  /** The last records of each shard (undefined: no such stream yet). */
  peekStream(stream: string, limit: number): readonly unknown[] | undefined;
}

export const MEMORY_QUEUE = /^\/sluice\/memory\/queues\/([A-Za-z0-9_.-]+)\/messages$/;
export const MEMORY_STREAM = /^\/sluice\/memory\/streams\/([A-Za-z0-9_.-]+)\/records$/;

function sources(memory: MemorySources | undefined): MemorySources {
  if (memory === undefined) throw new LambdaApiError('ResourceNotFoundException', 404, 'no memory sources');
  return memory;
}

function apiError(err: unknown): LambdaApiError {
  if (err instanceof SluiceError && err.code === 'MemorySourcesFull')
    return new LambdaApiError('TooManyRequestsException', 429, err.message, { extra: { retryAfterSeconds: 1 } });
  return asApiError(err);
}

/** Body is the message body as is (UTF-8 text, like SQS); `?groupId=` for FIFO-style groups. */
export async function memoryQueue(
  memory: MemorySources | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  queue: string,
  query: URLSearchParams,
): Promise<void> {
  try {
    const body = await readBody(req, 256 * 1024);
    if (!isUtf8(body))
      throw new LambdaApiError('InvalidRequestContentException', 400, 'A queue message body must be valid UTF-8');
    const id = sources(memory).sendToQueue(queue, body.toString('utf8'), query.get('groupId') ?? undefined);
    sendJson(res, 200, { MessageId: id });
  } catch (err) {
    sendError(res, apiError(err), randomUUID());
  }
}

/** Body is the record data, bytes as is; `?partitionKey=` chooses the shard. */
export async function memoryStream(
  memory: MemorySources | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  stream: string,
  query: URLSearchParams,
): Promise<void> {
  try {
    const data = await readBody(req, 1024 * 1024);
    const put = sources(memory).putToStream(stream, query.get('partitionKey') ?? randomUUID(), data);
    sendJson(res, 200, { ShardId: put.shardId, SequenceNumber: put.sequenceNumber });
  } catch (err) {
    sendError(res, apiError(err), randomUUID());
  }
}

function peekLimit(query: URLSearchParams): number {
  const raw = query.get('limit') ?? '10';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new LambdaApiError('InvalidParameterValueException', 400, 'limit must be an integer from 1 to 1000');
  return n;
}

/** GET: `{Messages: [...]}` of a queue or `{Records: [...]}` of a stream; 404 when it does not exist yet. */
export function memoryPeek(
  memory: MemorySources | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'queue' | 'stream',
  name: string,
  query: URLSearchParams,
): void {
  req.resume();
  try {
    const limit = peekLimit(query);
    const found = kind === 'queue' ? sources(memory).peekQueue(name, limit) : sources(memory).peekStream(name, limit);
    if (found === undefined)
      throw new LambdaApiError('ResourceNotFoundException', 404, `no memory ${kind} ${name} (yet)`);
    sendJson(res, 200, kind === 'queue' ? { Messages: found } : { Records: found });
  } catch (err) {
    sendError(res, apiError(err), randomUUID());
  }
}
