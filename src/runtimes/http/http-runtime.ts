// The http runtime: a function is an HTTP endpoint that receives the event as a JSON POST.
// Keep-alive sockets; 2xx = result, other status = function error, no connection = system error.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { FunctionRuntime, FunctionSpec, InvokeRequest, InvokeResult } from '../../ports/function-runtime.js';
import { functionError, timeoutBody } from '../shared/error-body.js';

type Response = { status: number; statusText: string; headers: http.IncomingHttpHeaders; body: Buffer };
type Outcome =
  | { type: 'response'; response: Response }
  | { type: 'timeout' }
  | { type: 'too-large' }
  /** `retryable`: reset on a reused keep-alive socket before any response arrived. */
  | { type: 'network'; error: Error; retryable: boolean };

// Lambda's synchronous response limit; a larger answer is not read into memory.
const MAX_RESPONSE_BYTES = 6_291_556;

export class HttpRuntime implements FunctionRuntime {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly spec: FunctionSpec) {
    const url = spec.settings.Url;
    if (typeof url !== 'string' || url === '') {
      throw new Error(`function ${spec.name}: settings.Url is required for the http runtime`);
    }
    this.url = new URL(url);
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true });
  }

  async invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult> {
    const start = performance.now();
    let outcome = await this.post(req, signal);
    // A kept-alive socket the server closed just as we reused it: the request never reached the
    // endpoint, so one retry on a fresh socket is safe (the pattern Node's http docs recommend).
    if (outcome.type === 'network' && outcome.retryable) outcome = await this.post(req, signal);
    const durationMs = performance.now() - start;
    if (outcome.type === 'timeout') return functionError(timeoutBody(req.requestId, this.spec.timeoutMs), durationMs);
    if (outcome.type === 'too-large') {
      const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
      return functionError({ errorType: 'Function.ResponseSizeTooLarge', errorMessage }, durationMs);
    }
    if (outcome.type === 'network') {
      // The function may not have run: a system error, which does not use the retry budget (ERR-7).
      const code = (outcome.error as NodeJS.ErrnoException).code;
      const message = `${this.url.origin}: ${code ? `${code} ` : ''}${outcome.error.message}`;
      return { kind: 'system-error', statusCode: 502, errorType: 'ServiceException', message };
    }
    const { response } = outcome;
    if (response.status >= 200 && response.status < 300) {
      // An endpoint may report a function error the Lambda way: 2xx with X-Amz-Function-Error.
      if (response.headers['x-amz-function-error']) return functionErrorFromBody(response.body, durationMs);
      return { kind: 'success', payload: response.body, durationMs, coldStart: false };
    }
    const snippet = response.body.toString('utf8', 0, Math.min(response.body.length, 1024));
    const errorMessage = `HTTP ${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`;
    return functionError({ errorType: 'HttpError', errorMessage }, durationMs);
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }

  private post(req: InvokeRequest, signal: AbortSignal): Promise<Outcome> {
    const client = this.url.protocol === 'https:' ? https : http;
    const deadline = Date.now() + this.spec.timeoutMs;
    return new Promise<Outcome>((resolve) => {
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': 'application/json',
        'Content-Length': req.payload.length,
        'Lambda-Runtime-Aws-Request-Id': req.requestId,
        'Lambda-Runtime-Deadline-Ms': String(deadline),
        'Lambda-Runtime-Invoked-Function-Arn': this.spec.arn,
        ...(req.clientContext ? { 'Lambda-Runtime-Client-Context': req.clientContext } : {}),
      };
      let responded = false;
      const request = client.request(this.url, { method: 'POST', agent: this.agent, headers, signal }, (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) return void chunks.push(chunk);
          clearTimeout(timer);
          resolve({ type: 'too-large' });
          request.destroy();
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            type: 'response',
            response: {
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers,
              body: Buffer.concat(chunks),
            },
          });
        });
        res.on('error', (error) => settleError(error));
      });
      const settleError = (error: Error): void => {
        clearTimeout(timer);
        resolve({ type: 'network', error, retryable: request.reusedSocket && !responded && isReset(error) });
      };
      const timer = setTimeout(() => {
        resolve({ type: 'timeout' });
        request.destroy();
      }, this.spec.timeoutMs);
      request.on('error', settleError);
      request.end(req.payload);
    });
  }
}

function isReset(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function functionErrorFromBody(body: Buffer, durationMs: number): InvokeResult {
  let errorType = 'Unhandled';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') errorType = parsed.errorType;
  } catch {
    // Not JSON: keep the body as is.
  }
  return { kind: 'function-error', payload: body, errorType, durationMs, coldStart: false };
}
