// Lambda's error object shapes (ERR-3, ERR-4, D-8), shared by every runtime.
import type { InvokeResult } from '../../ports/function-runtime.js';

/** The error object a Node.js Lambda runtime returns: Node runtimes use `trace`, not `stackTrace`. */
export interface ErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** Turns anything thrown by a handler into Lambda's error object. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof Error) {
    return {
      errorType: err.name || err.constructor.name || 'Error',
      errorMessage: err.message,
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  // Lambda reports a thrown string as errorType "string" with the value as the message.
  const message = typeof err === 'string' ? err : safeStringify(err);
  return { errorType: typeof err, errorMessage: message, trace: [] };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** D-8 / ERR-4: the body of a timed-out invocation. */
export function timeoutBody(requestId: string, timeoutMs: number): ErrorBody {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
  };
}

export function errorPayload(body: ErrorBody): Buffer {
  return Buffer.from(JSON.stringify(body));
}

/** A warm invocation that failed with this error object (a runtime the function runs elsewhere: HTTP, Lambda). */
export function functionError(error: ErrorBody, durationMs: number): InvokeResult {
  return {
    kind: 'function-error',
    payload: errorPayload(error),
    errorType: error.errorType,
    durationMs,
    coldStart: false,
  };
}
