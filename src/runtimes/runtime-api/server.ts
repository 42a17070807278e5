// The Lambda Runtime API (RT-1..9) for one execution environment: its own HTTP listener on 127.0.0.1 and a dynamic
// port, so AWS_LAMBDA_RUNTIME_API is a bare host:port as on Lambda and the official runtime interface clients work
// unchanged. One invocation at a time: `next` long-polls until the pool hands this environment an event.
// Extensions, telemetry and logs paths answer 404 (OPEN-19).
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Invocation } from '../shared/execution-environment.js';
import { MAX_RESPONSE_BYTES } from '../shared/pooled-runtime.js';

export interface RuntimeApiHandlers {
  /** The first `next`: init is over (RT-2, RT-10). */
  initDone(): void;
  /** `init/error` before the first `next` (RT-6). */
  initError(body: Buffer, errorTypeHeader: string | undefined): void;
  response(requestId: string, body: Buffer): void;
  /** `…/error` (RT-5), or a response over the size limit (RT-7: `size` set). */
  error(requestId: string, body: Buffer, errorTypeHeader: string | undefined, size?: number): void;
  /** May this connection talk to the API? (the environment's own processes only) */
  peerAllowed(socket: Socket): boolean;
}

const PREFIX = '/2018-06-01/runtime/';
const INVOCATION = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

type Phase = 'init' | 'waiting' | 'busy';

export class RuntimeApiServer {
  private readonly server: http.Server;
  private phase: Phase = 'init';
  private parked: ServerResponse | undefined;
  private queued: Invocation | undefined;
  private current: string | undefined;
  private last: string | undefined;

  constructor(
    private readonly functionArn: string,
    private readonly handlers: RuntimeApiHandlers,
  ) {
    this.server = http.createServer((req, res) => void this.route(req, res));
    // `next` blocks for as long as the environment stays idle: no request or keep-alive timeout may cut it.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
    this.server.on('connection', (socket: Socket) => {
      if (!handlers.peerAllowed(socket)) socket.destroy();
    });
  }

  /** Listens on 127.0.0.1 and a free port; resolves to `host:port` for AWS_LAMBDA_RUNTIME_API (RT-1). */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as AddressInfo;
        resolve(`127.0.0.1:${port}`);
      });
    });
  }

  get port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  /** Hands the environment its next event: now, to a waiting `next`, or to the next `next` call. */
  deliver(inv: Invocation): void {
    this.queued = inv;
    if (this.parked) this.sendNext(this.parked);
  }

  close(): void {
    this.parked?.destroy();
    this.parked = undefined;
    this.server.close();
    this.server.closeAllConnections();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (!url.startsWith(PREFIX)) return notFound(req, res);
    if (req.method === 'GET' && url === `${PREFIX}invocation/next`) return this.next(req, res);
    if (req.method !== 'POST') return notFound(req, res);
    const errorType = header(req, 'lambda-runtime-function-error-type');
    if (url === `${PREFIX}init/error`) {
      const body = await readBody(req);
      if (this.phase !== 'init') return invalidState(res);
      accepted(res);
      this.handlers.initError(body.data, errorType);
      return;
    }
    const m = INVOCATION.exec(url);
    if (!m) return notFound(req, res);
    const [, id = '', kind] = m;
    const mode = header(req, 'lambda-runtime-function-response-mode');
    if (kind === 'response' && mode !== undefined && mode !== 'streaming') {
      req.resume();
      return send(res, 400, {
        errorMessage: `Invalid function response mode: ${mode}`,
        errorType: 'InvalidFunctionResponseMode',
      });
    }
    const body = await readBody(req);
    if (id !== this.current) {
      if (id === this.last) return invalidState(res);
      return send(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    }
    this.last = id;
    this.current = undefined;
    this.phase = 'waiting';
    if (body.size > MAX_RESPONSE_BYTES) {
      send(res, 413, {
        errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        errorType: 'RequestEntityTooLarge',
      });
      this.handlers.error(id, Buffer.alloc(0), undefined, body.size);
      return;
    }
    accepted(res);
    if (kind === 'response') this.handlers.response(id, body.data);
    else this.handlers.error(id, body.data, errorType);
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    // RT-7: `next` with an invocation still open, or a second concurrent `next`, is out of order.
    if (this.phase === 'busy' || this.parked) return invalidState(res);
    if (this.phase === 'init') {
      this.phase = 'waiting';
      this.handlers.initDone();
    }
    if (this.queued) return this.sendNext(res);
    this.parked = res;
    req.socket.once('close', () => {
      if (this.parked === res) this.parked = undefined;
    });
  }

  private sendNext(res: ServerResponse): void {
    const inv = this.queued;
    if (!inv) return;
    this.queued = undefined;
    this.parked = undefined;
    this.current = inv.requestId;
    this.phase = 'busy';
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': inv.payload.length,
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': inv.deadlineMs,
      'Lambda-Runtime-Invoked-Function-Arn': this.functionArn,
      'Lambda-Runtime-Trace-Id': traceId(),
    };
    // RT-3: the client context as its decoded JSON; absent headers are omitted.
    if (inv.clientContext)
      headers['Lambda-Runtime-Client-Context'] = Buffer.from(inv.clientContext, 'base64').toString('utf8');
    res.writeHead(200, headers);
    res.end(inv.payload);
  }
}

/** An X-Ray trace header as Lambda gives a function that was invoked without one. */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The whole body up to the response limit; past it, bytes are counted and dropped (RT-7 reports the size). */
async function readBody(req: IncomingMessage): Promise<{ data: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
  }
  return { data: size <= MAX_RESPONSE_BYTES ? Buffer.concat(chunks) : Buffer.alloc(0), size };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function accepted(res: ServerResponse): void {
  send(res, 202, { status: 'OK' });
}

function invalidState(res: ServerResponse): void {
  send(res, 403, { errorMessage: 'State transition is not allowed', errorType: 'InvalidStateTransition' });
}

// OPEN-19: no Extensions, Telemetry or Logs API.
function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  send(res, 404, { errorMessage: `Not found: ${req.method ?? ''} ${req.url ?? ''}`, errorType: 'NotFound' });
}
