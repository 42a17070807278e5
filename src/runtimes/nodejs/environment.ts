// One execution environment seen from the main thread: a worker thread that has loaded the handler.
// It runs one invocation at a time; a crash, exit or termination makes it dead for good.
import { Worker } from 'node:worker_threads';
import { toErrorBody, type ErrorBody } from '../shared/error-body.js';
import { transpiledBootstrap } from './dev-bootstrap.js';
import type { EnvironmentData, InvokeMessage, WorkerMessage } from './protocol.js';

export type RunOutcome =
  | { type: 'ok'; payload: string }
  /** The handler failed; `fatal` when the environment died with it. */
  | { type: 'error'; error: ErrorBody; fatal: boolean };

export interface EnvironmentOptions {
  data: EnvironmentData;
  env: Record<string, string>;
  memorySizeMb: number;
}

type Waiter = (outcome: RunOutcome) => void;

export class Environment {
  readonly logStreamName: string;
  onLog: (text: string) => void = () => {};
  /** Called once when the worker has exited, for whatever reason. */
  onExit: () => void = () => {};
  idleTimer: NodeJS.Timeout | undefined;
  private readonly worker: Worker;
  private waiter: Waiter | undefined;
  private requestId: string | undefined;
  private crashError: ErrorBody | undefined;
  private workerError: unknown;
  private dead = false;
  private readonly ready: Promise<RunOutcome>;

  constructor(options: EnvironmentOptions) {
    this.logStreamName = options.data.logStreamName;
    this.worker = new Worker(bootstrapEntry(), {
      env: options.env,
      workerData: options.data,
      // Lambda's MemorySize bounds the heap; running out ends this environment, not the service.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, options.memorySizeMb) },
    });
    this.ready = new Promise<RunOutcome>((resolve) => (this.waiter = resolve));
    this.worker.on('message', (msg: WorkerMessage) => this.onMessage(msg));
    this.worker.on('error', (err: Error) => (this.workerError = err));
    this.worker.on('exit', (code) => this.exited(code));
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Resolves once init ran: ok, or the init error (the environment is then unusable). */
  init(requestId: string): Promise<RunOutcome> {
    this.requestId ??= requestId; // names the invocation in an exit during init
    return this.ready;
  }

  run(msg: InvokeMessage): Promise<RunOutcome> {
    if (this.dead) return Promise.resolve(this.exitOutcome(1));
    this.requestId = msg.requestId;
    return new Promise<RunOutcome>((resolve) => {
      this.waiter = resolve;
      this.worker.postMessage(msg);
    });
  }

  /** Discards the environment (timeout, abort, idle reaping, close). */
  async terminate(): Promise<void> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    await this.worker.terminate();
  }

  private settle(outcome: RunOutcome): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(outcome);
  }

  private onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'log':
        this.onLog(msg.data);
        return;
      case 'ready':
        this.requestId = undefined;
        this.settle({ type: 'ok', payload: '' });
        return;
      case 'init-error':
        this.dead = true;
        this.settle({ type: 'error', error: msg.error, fatal: true });
        void this.worker.terminate();
        return;
      case 'result':
        if (msg.requestId !== this.requestId) return;
        this.requestId = undefined;
        this.settle(msg.ok ? { type: 'ok', payload: msg.payload } : { type: 'error', error: msg.error, fatal: false });
        return;
      case 'crash':
        this.crashError = msg.error;
        return;
    }
  }

  private exited(code: number): void {
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.settle(this.exitOutcome(code));
    this.onExit();
  }

  // ERR-3: how Lambda reports an environment that died during an invocation.
  private exitOutcome(code: number): RunOutcome {
    const prefix = `RequestId: ${this.requestId ?? 'unknown'} Error: `;
    if (this.crashError) return { type: 'error', error: this.crashError, fatal: true };
    if ((this.workerError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const error = {
        errorType: 'Runtime.OutOfMemory',
        errorMessage: `${prefix}Runtime exited with error: signal: killed`,
      };
      return { type: 'error', error, fatal: true };
    }
    if (this.workerError !== undefined) return { type: 'error', error: toErrorBody(this.workerError), fatal: true };
    const reason =
      code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
    return { type: 'error', error: { errorType: 'Runtime.ExitError', errorMessage: prefix + reason }, fatal: true };
  }
}

/** Production runs the compiled bootstrap next to this file; from TypeScript sources, a transpiled copy. */
function bootstrapEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker-bootstrap.js', here);
  return transpiledBootstrap(new URL('./worker-bootstrap.ts', here));
}
