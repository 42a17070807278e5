// The contract every function runtime (nodejs execution environments, http, lambda) implements.
// Runtimes know nothing of concurrency limits: the invoker in core/invoke enforces those.
import type { ExternalCode, LambdaExceptionName } from './errors.js';

export interface FunctionSpec {
  /** Function name as used in the Invoke API and in ARNs. */
  name: string;
  arn: string;
  timeoutMs: number;
  memorySizeMb: number;
  environment: Record<string, string>;
  /** Runtime-specific settings, validated by the config schema (Handler, Url, FunctionName...). */
  settings: Record<string, unknown>;
}

export interface InvokeRequest {
  requestId: string;
  /** The event as JSON bytes, exactly as the caller sent it. */
  payload: Buffer;
  /** Base64 client context from `X-Amz-Client-Context`, passed through. */
  clientContext?: string;
  /** Return the last 4 KB of logs (`X-Amz-Log-Type: Tail`). */
  tailLogs?: boolean;
}

export type InvokeResult =
  /** The function ran and returned `payload` (JSON bytes; may be empty). */
  | { kind: 'success'; payload: Buffer; logTail?: string; durationMs: number; coldStart: boolean }
  /** The function ran and failed (thrown error, timeout, crash): uses the retry budget. ERR-1..4. */
  | {
      kind: 'function-error';
      /** Error object as JSON bytes: {errorType, errorMessage, trace|stackTrace}. */
      payload: Buffer;
      errorType: string;
      logTail?: string;
      durationMs: number;
      coldStart: boolean;
    }
  /** Rejected before running (429): does not use the retry budget. CON-5, ERR-7. */
  | { kind: 'throttle'; reason: string; message: string; retryAfterSeconds?: number }
  /** Could not run for a service-side reason (5xx, network): does not use the retry budget. ERR-7. */
  | {
      kind: 'system-error';
      statusCode: number;
      /** The Invoke API answers with it: Lambda's name, or a remote Lambda's own (externalCode). */
      errorType: LambdaExceptionName | ExternalCode;
      message: string;
    };

/** An invocation given up because its caller aborted it or the runtime closed (500, not retried as a function error). */
export function invocationAborted(name: string): InvokeResult {
  return {
    kind: 'system-error',
    statusCode: 500,
    errorType: 'ServiceException',
    message: `invocation of ${name} aborted`,
  };
}

export interface FunctionRuntime {
  invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult>;
  /** Release environments, sockets and clients. */
  close(): Promise<void>;
}

export interface RuntimeFactory {
  kind: string;
  create(spec: FunctionSpec): FunctionRuntime;
}
