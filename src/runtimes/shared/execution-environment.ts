// What a pooled runtime (pooled-runtime.ts) needs of one execution environment, whatever runs inside it:
// the nodejs bootstrap over IPC, or a runtime interface client over the Runtime API.
import type { ErrorBody } from './error-body.js';

export type RunOutcome =
  | { type: 'ok'; payload: string | Buffer }
  /**
   * The handler failed; `fatal` when the environment died with it. `payload`, when given, is the error body
   * exactly as the runtime posted it (RT-5: it reaches the caller byte for byte).
   */
  | { type: 'error'; error: ErrorBody; fatal: boolean; payload?: Buffer };

/** One invocation as an environment receives it. */
export interface Invocation {
  requestId: string;
  /** The event JSON bytes. */
  payload: Buffer;
  /** Epoch ms at which the invocation times out. */
  deadlineMs: number;
  /** Base64 client context from `X-Amz-Client-Context`. */
  clientContext?: string;
}

export interface ExecutionEnvironment {
  readonly alive: boolean;
  readonly memorySizeMb: number;
  onLog: (text: string) => void;
  /** Called once when the environment has exited, for whatever reason. */
  onExit: () => void;
  idleTimer: NodeJS.Timeout | undefined;
  /** When it last went idle, for reaping the oldest first. */
  idleSince: number;
  /** Resolves once init ran: ok, or the init error (the environment is then unusable). */
  init(requestId: string): Promise<RunOutcome>;
  run(invocation: Invocation): Promise<RunOutcome>;
  /** Discards the environment (timeout, abort, idle reaping, close). */
  terminate(): Promise<void>;
}

/** How an environment's process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  outOfMemory: boolean;
}

// Lambda's runtime is written in Go and prints a killed process the way Go's os/exec does.
const GO_SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
};

/** ERR-3, RT-13, RT-21: how Lambda reports an environment that died during an invocation. */
export function exitOutcome(requestId: string | undefined, exit: ProcessExit): RunOutcome {
  const prefix = `RequestId: ${requestId ?? 'unknown'} Error: `;
  if (exit.outOfMemory) {
    const error = {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `${prefix}Runtime exited with error: signal: killed`,
    };
    return { type: 'error', error, fatal: true };
  }
  const reason =
    exit.signal !== null
      ? `Runtime exited with error: signal: ${GO_SIGNAL_NAMES[exit.signal] ?? exit.signal}`
      : exit.code === 0
        ? 'Runtime exited without providing a reason'
        : `Runtime exited with error: exit status ${exit.code ?? 1}`;
  return { type: 'error', error: { errorType: 'Runtime.ExitError', errorMessage: prefix + reason }, fatal: true };
}
