// Messages between the nodejs runtime (the service) and one execution environment (child process or worker thread).
import type { ErrorBody } from '../shared/error-body.js';

/** Fixed per environment: workerData of a worker thread, the first argument of a child process. */
export interface EnvironmentData {
  handler: string;
  taskRoot: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The event JSON text. */
  payload: string;
  /** Epoch ms at which the invocation times out (for getRemainingTimeInMillis). */
  deadlineMs: number;
  clientContext?: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: ErrorBody }
  | { type: 'log'; data: string }
  | { type: 'result'; requestId: string; ok: true; payload: string }
  | { type: 'result'; requestId: string; ok: false; error: ErrorBody }
  /** An uncaught exception or unhandled rejection: the environment exits right after. */
  | { type: 'crash'; error: ErrorBody };
