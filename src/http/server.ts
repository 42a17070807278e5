// The HTTP surface: Lambda Invoke API, health, readiness, Prometheus metrics, and the routes that put
// records into in-memory sources. Bound to 127.0.0.1 by default; elsewhere bearer auth is mandatory
// (enforced at config compile time). Every request passes the browser guard (Host, Origin) first.
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaApiError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { RequestGuard } from './guard.js';
import {
  asApiError,
  handleInvoke,
  handleInvokeAsync,
  INVOKE,
  INVOKE_ASYNC,
  type InvokeRouteDeps,
} from './routes/invoke.js';
import {
  MEMORY_QUEUE,
  MEMORY_STREAM,
  memoryPeek,
  memoryQueue,
  memoryStream,
  type MemorySources,
} from './routes/memory.js';
import { healthz, metrics, readyz, type ProbeDeps } from './routes/probes.js';
import { BodyBudget, sendError, useBodyBudget } from './respond.js';

export type { MemorySources } from './routes/memory.js';

export interface ExtraRoute {
  method: string;
  pattern: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, query: URLSearchParams): Promise<void>;
}

export interface HttpServerDeps extends InvokeRouteDeps, ProbeDeps {
  host: string;
  port: number;
  bearerTokens?: string[];
  /** Host names besides loopback names and the bound address (DNS rebinding guard). */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the API; none by default. */
  allowedOrigins?: readonly string[];
  /** Request body bytes buffered at once over all requests (default 64 MB). */
  maxBufferedBodyBytes?: number;
  logger: Logger;
  memory?: MemorySources;
  extraRoutes?: ExtraRoute[];
}

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
  private readonly guard: RequestGuard;
  readonly bodyBudget: BodyBudget;

  constructor(private readonly deps: HttpServerDeps) {
    this.tokens = deps.bearerTokens?.map(digest);
    this.guard = new RequestGuard(deps);
    this.bodyBudget = new BodyBudget(deps.maxBufferedBodyBytes ?? 64 * 1024 * 1024);
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

  /** Refused requests end here with their answer; the body is drained, never kept. */
  private refuse(req: IncomingMessage, res: ServerResponse, err: LambdaApiError): void {
    req.resume();
    sendError(res, err, randomUUID());
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let origin: string | undefined;
    try {
      origin = this.guard.check(req);
    } catch (err) {
      return this.refuse(req, res, asApiError(err));
    }
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') return preflight(req, res);
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sluice');
    } catch {
      return this.refuse(req, res, new LambdaApiError('InvalidRequestContentException', 400, 'malformed request URL'));
    }
    const p = url.pathname;
    if (req.method === 'GET' && p === '/healthz') return healthz(res);
    if (req.method === 'GET' && p === '/readyz') return readyz(this.deps, res);
    if (this.tokens !== undefined && !authorized(req, this.tokens))
      return this.refuse(
        req,
        res,
        new LambdaApiError('UnrecognizedClientException', 401, 'missing or invalid bearer token'),
      );
    if (req.method === 'GET' && p === '/metrics') return metrics(this.deps, res);
    useBodyBudget(req, res, this.bodyBudget);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = INVOKE.exec(p)))
      return handleInvoke(this.deps, req, res, m[1] ?? '', url.searchParams);
    if (req.method === 'POST' && (m = INVOKE_ASYNC.exec(p))) return handleInvokeAsync(this.deps, req, res, m[1] ?? '');
    if (req.method === 'POST' && (m = MEMORY_QUEUE.exec(p)))
      return memoryQueue(this.deps.memory, req, res, m[1] ?? '', url.searchParams);
    if (req.method === 'POST' && (m = MEMORY_STREAM.exec(p)))
      return memoryStream(this.deps.memory, req, res, m[1] ?? '', url.searchParams);
    if (req.method === 'GET' && (m = MEMORY_QUEUE.exec(p)))
      return memoryPeek(this.deps.memory, req, res, 'queue', m[1] ?? '', url.searchParams);
    if (req.method === 'GET' && (m = MEMORY_STREAM.exec(p)))
      return memoryPeek(this.deps.memory, req, res, 'stream', m[1] ?? '', url.searchParams);
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
}

/** CORS preflight of an allowed origin: any method of the API, the headers the browser asks for. */
function preflight(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}
