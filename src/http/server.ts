// The HTTP surface: Lambda Invoke API, health, readiness, Prometheus metrics, and the routes that put
// records into in-memory sources. Bound to 127.0.0.1 by default; elsewhere bearer auth is mandatory
// (enforced at config compile time).
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaApiError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { asApiError, handleInvoke, handleInvokeAsync, type InvokeRouteDeps } from './invoke-routes.js';
import { readBody, sendError, sendJson } from './respond.js';

export interface MemorySources {
  sendToQueue(queue: string, body: string, groupId?: string): string;
  putToStream(stream: string, partitionKey: string, data: Buffer): { shardId: string; sequenceNumber: string };
}

export interface ExtraRoute {
  method: string;
  pattern: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, query: URLSearchParams): Promise<void>;
}

export interface HttpServerDeps extends InvokeRouteDeps {
  host: string;
  port: number;
  bearerTokens?: string[];
  logger: Logger;
  metrics: { text(): Promise<string>; contentType: string };
  /** /readyz: 200 when `ready`, else 503; the report is the JSON body. */
  readiness(): Promise<{ ready: boolean }>;
  memory?: MemorySources;
  extraRoutes?: ExtraRoute[];
}

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const INVOKE_ASYNC = /^\/2014-11-13\/functions\/([^/]+)\/invoke-async\/?$/;
const MEMORY_QUEUE = /^\/sluice\/memory\/queues\/([A-Za-z0-9_.-]+)\/messages$/;
const MEMORY_STREAM = /^\/sluice\/memory\/streams\/([A-Za-z0-9_.-]+)\/records$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of `Authorization: Bearer <token>` against every configured token. */
function authorized(req: IncomingMessage, tokens: readonly Buffer[]): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(header);
  const given = digest(m?.[1] ?? '');
  let ok = false;
  for (const t of tokens) ok = timingSafeEqual(given, t) || ok;
  return ok && m !== null;
}

export class HttpServer {
  private readonly server: http.Server;
  private readonly tokens: Buffer[] | undefined;

  constructor(private readonly deps: HttpServerDeps) {
    this.tokens = deps.bearerTokens?.map(digest);
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        deps.logger.error({ err }, 'unhandled error in HTTP route');
        if (!res.headersSent) sendError(res, asApiError(err), randomUUID());
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.deps.port, this.deps.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Stop accepting connections; in-flight requests finish, idle keep-alive sockets close. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sluice');
    const p = url.pathname;
    if (req.method === 'GET' && p === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && p === '/readyz') {
      const report = await this.deps.readiness();
      return sendJson(res, report.ready ? 200 : 503, report);
    }
    if (this.tokens !== undefined && !authorized(req, this.tokens)) {
      req.resume();
      return sendJson(res, 401, { Type: 'User', message: 'missing or invalid bearer token' });
    }
    if (req.method === 'GET' && p === '/metrics') {
      const text = await this.deps.metrics.text();
      res.writeHead(200, { 'Content-Type': this.deps.metrics.contentType }).end(text);
      return;
    }
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = INVOKE.exec(p)))
      return handleInvoke(this.deps, req, res, m[1] ?? '', url.searchParams);
    if (req.method === 'POST' && (m = INVOKE_ASYNC.exec(p))) return handleInvokeAsync(this.deps, req, res, m[1] ?? '');
    if (req.method === 'POST' && (m = MEMORY_QUEUE.exec(p))) return this.memoryQueue(req, res, m[1] ?? '', url);
    if (req.method === 'POST' && (m = MEMORY_STREAM.exec(p))) return this.memoryStream(req, res, m[1] ?? '', url);
    for (const r of this.deps.extraRoutes ?? []) {
      const mm = req.method === r.method ? r.pattern.exec(p) : null;
      if (mm) return r.handle(req, res, mm, url.searchParams);
    }
    req.resume();
    sendError(
      res,
      new LambdaApiError('UnknownOperationException', 404, `No route for ${req.method} ${p}`),
      randomUUID(),
    );
  }

  private memorySources(): MemorySources {
    if (this.deps.memory === undefined) throw new LambdaApiError('ResourceNotFoundException', 404, 'no memory sources');
    return this.deps.memory;
  }

  /** Body is the message body as is; `?groupId=` for FIFO-style groups. */
  private async memoryQueue(req: IncomingMessage, res: ServerResponse, queue: string, url: URL): Promise<void> {
    try {
      const body = await readBody(req, 256 * 1024);
      const id = this.memorySources().sendToQueue(
        queue,
        body.toString('utf8'),
        url.searchParams.get('groupId') ?? undefined,
      );
      sendJson(res, 200, { MessageId: id });
    } catch (err) {
      sendError(res, asApiError(err), randomUUID());
    }
  }

  /** Body is the record data as is; `?partitionKey=` chooses the shard. */
  private async memoryStream(req: IncomingMessage, res: ServerResponse, stream: string, url: URL): Promise<void> {
    try {
      const data = await readBody(req, 1024 * 1024);
      const key = url.searchParams.get('partitionKey') ?? randomUUID();
      const put = this.memorySources().putToStream(stream, key, data);
      sendJson(res, 200, { ShardId: put.shardId, SequenceNumber: put.sequenceNumber });
    } catch (err) {
      sendError(res, asApiError(err), randomUUID());
    }
  }
}
