// The HTTP surface: Lambda Invoke API, health, readiness, Prometheus metrics, and the routes that put
// records into in-memory sources. Bound to 127.0.0.1 by default; elsewhere auth (bearer tokens or SigV4
// access keys) is mandatory (enforced at config compile time). Every request passes the browser guard
// (Host, Origin) first, then auth (all but the probes), then server.api.readOnly.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaApiError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { Authenticator, type AuthOptions, type BodyCheck } from './auth/authenticator.js';
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
import { BodyBudget, keepBody, readBody, sendError, useBodyBudget } from './respond.js';

export type { MemorySources } from './routes/memory.js';

export interface ExtraRoute {
  method: string;
  pattern: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, query: URLSearchParams): Promise<void>;
}

export interface HttpServerDeps extends InvokeRouteDeps, ProbeDeps {
  host: string;
  port: number;
  /** Who may call; undefined: anyone (loopback only, enforced by the config). */
  auth?: AuthOptions;
  /** server.api.readOnly: every write but Invoke (and the memory sources) is refused. */
  readOnly?: boolean;
  /** Host names besides loopback names and the bound address (DNS rebinding guard). */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the API; none by default. */
  allowedOrigins?: readonly string[];
  /** Request body bytes buffered at once over all requests (default 64 MB). */
  maxBufferedBodyBytes?: number;
  logger: Logger;
  memory?: MemorySources;
  extraRoutes?: ExtraRoute[];
  /** Static GET routes that hold no data (the operator page): after the browser guard, before auth. */
  publicRoutes?: ExtraRoute[];
}

export class HttpServer {
  private readonly server: http.Server;
  private readonly auth: Authenticator | undefined;
  private readonly guard: RequestGuard;
  readonly bodyBudget: BodyBudget;

  constructor(private readonly deps: HttpServerDeps) {
    this.auth = deps.auth === undefined ? undefined : new Authenticator(deps.auth);
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

  /**
   * A request whose signature covers its body: the body is read here (under the shared budget), checked, and
   * handed to the route's readBody, so no route acts on an unchecked request.
   */
  private async readSigned(req: IncomingMessage, bodyCheck: BodyCheck): Promise<void> {
    const limit = this.bodyBudget.limit;
    const body = await readBody(req, limit).catch((err: unknown) => {
      if (err instanceof LambdaApiError && err.code === 'RequestTooLargeException')
        throw new LambdaApiError(
          err.code,
          413,
          `Request must be smaller than ${limit} bytes (server.maxBufferedBodyBytes)`,
        );
      throw err;
    });
    bodyCheck(body);
    keepBody(req, body);
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
    for (const r of this.deps.publicRoutes ?? []) {
      const mm = req.method === r.method ? r.pattern.exec(p) : null;
      if (mm) return r.handle(req, res, mm, url.searchParams);
    }
    useBodyBudget(req, res, this.bodyBudget);
    try {
      // Synchronous unless the signature covers the body: the answer to an unsigned request must not wait.
      const bodyCheck = this.auth?.check(req);
      if (bodyCheck !== undefined) await this.readSigned(req, bodyCheck);
    } catch (err) {
      return this.refuse(req, res, asApiError(err));
    }
    if (req.method === 'GET' && p === '/metrics') return metrics(this.deps, res);
    const dataPlane = [INVOKE, INVOKE_ASYNC, MEMORY_QUEUE, MEMORY_STREAM].some((re) => re.test(p));
    if (this.deps.readOnly === true && req.method !== 'GET' && req.method !== 'HEAD' && !dataPlane)
      return this.refuse(
        req,
        res,
        new LambdaApiError('AccessDeniedException', 403, 'configuration changes are off (server.api.readOnly)'),
      );
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
