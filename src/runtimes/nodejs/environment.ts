// One execution environment seen from the main thread: a worker thread that has loaded the handler.
// It runs one invocation at a time; a crash, exit or termination makes it dead for good.
import { Worker } from 'node:worker_threads';
import { toErrorBody, type ErrorBody } from '../shared/error-body.js';
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
    const entry = bootstrapEntry();
    this.worker = new Worker(entry.code, {
      eval: entry.eval,
      env: options.env,
      workerData: options.data,
      // Lambda's MemorySize bounds the heap; running out ends this environment, not the service.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, options.memorySizeMb) },
    });
    this.ready = new Promise<RunOutcome>((resolve) => (this.waiter = resolve));
    this.worker.on('message', (msg: WorkerMessage) => this.onMessage(msg));
    this.worker.on('error', (err) => (this.workerError = err));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Resolves once init ran: ok, or the init error (the environment is then unusable). */
  init(): Promise<RunOutcome> {
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

  private onExit(code: number): void {
    this.dead = true;
    clearTimeout(this.idleTimer);
    this.settle(this.exitOutcome(code));
  }

  // ERR-3: how Lambda reports an environment that died during an invocation.
  private exitOutcome(code: number): RunOutcome {
    const prefix = `RequestId: ${this.requestId ?? 'init'} Error: `;
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

/**
 * Production runs the compiled bootstrap next to this file. Under vitest this file is TypeScript,
 * so the worker loads the .ts bootstrap through tsx (a devDependency) from a tiny eval entry.
 */
function bootstrapEntry(): { code: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { code: new URL('./worker-bootstrap.js', here), eval: false };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const target = new URL('./worker-bootstrap.ts', here).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(target)}, ${JSON.stringify(here)}))`;
  return { code, eval: true };
}
