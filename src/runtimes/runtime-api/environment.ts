// One execution environment of a Runtime API runtime: a child process (bootstrap, or an official runtime interface
// client) talking to its own Runtime API listener (server.ts). Init ends at its first `next`; an exit, a timeout
// or memory over MemorySize ends the environment for good (RT-10..13).
import { spawn, type ChildProcess } from 'node:child_process';
import type { ErrorBody } from '../shared/error-body.js';
import type { ExecutionEnvironment, Invocation, RunOutcome } from '../shared/execution-environment.js';
import { exitOutcome } from '../shared/execution-environment.js';
import { MEMORY_CHECK_MS, residentBytes, SETPRIV } from '../shared/process-tools.js';
import { responseTooLarge } from '../shared/pooled-runtime.js';
import { peerIsProcessTree } from './peer.js';
import { RuntimeApiServer } from './server.js';

export interface RuntimeApiEnvironmentOptions {
  /** Executable and arguments of the runtime (bootstrap, `python -m awslambdaric <handler>`, …). */
  command: string;
  args: string[];
  /** LAMBDA_TASK_ROOT: the working directory. */
  cwd: string;
  /** The function's variables without AWS_LAMBDA_RUNTIME_API (added once the listener has a port). */
  env: Record<string, string>;
  memorySizeMb: number;
  functionArn: string;
}

type Waiter = (outcome: RunOutcome) => void;

export class RuntimeApiEnvironment implements ExecutionEnvironment {
  readonly memorySizeMb: number;
  onLog: (text: string) => void = () => {};
  onExit: () => void = () => {};
  idleTimer: NodeJS.Timeout | undefined;
  idleSince = 0;
  private readonly server: RuntimeApiServer;
  private child: ChildProcess | undefined;
  private memoryTimer: NodeJS.Timeout | undefined;
  private waiter: Waiter | undefined;
  private requestId: string | undefined;
  private readonly ready: Promise<RunOutcome>;
  private dead = false;
  private exited = false;
  private killedForMemory = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;

  constructor(private readonly options: RuntimeApiEnvironmentOptions) {
    this.memorySizeMb = options.memorySizeMb;
    this.ready = new Promise<RunOutcome>((resolve) => (this.waiter = resolve));
    this.server = new RuntimeApiServer(options.functionArn, {
      initDone: () => this.settle({ type: 'ok', payload: '' }),
      initError: (body, header) => {
        // RT-6, RT-11: the reported error fails the pending invocation; the environment is discarded.
        this.dead = true;
        this.settle({ type: 'error', error: errorOf(body, header, 'Runtime.Unknown'), fatal: true, payload: body });
        void this.terminate();
      },
      response: (id, body) => {
        if (id !== this.requestId || this.enforceMemory()) return;
        this.settleAfterOutput({ type: 'ok', payload: body });
      },
      error: (id, body, header, size) => {
        if (id !== this.requestId || this.enforceMemory()) return;
        // RT-7: clients give up on a 413 (awslambdaric exits): the environment is reset, as Lambda does.
        if (size !== undefined) {
          this.dead = true;
          this.settle({ type: 'error', error: responseTooLarge(size), fatal: true });
          return;
        }
        const error = errorOf(body, header, 'Runtime.Unknown');
        this.settleAfterOutput({ type: 'error', error, fatal: false, payload: body });
      },
      peerAllowed: (socket) => peerIsProcessTree(socket, this.child?.pid) !== false,
    });
    void this.start();
  }

  get alive(): boolean {
    return !this.dead;
  }

  init(requestId: string): Promise<RunOutcome> {
    this.requestId ??= requestId; // names the invocation in an exit during init
    return this.ready;
  }

  run(inv: Invocation): Promise<RunOutcome> {
    if (this.dead) return Promise.resolve(this.exitOutcome());
    this.requestId = inv.requestId;
    return new Promise<RunOutcome>((resolve) => {
      this.waiter = resolve;
      this.server.deliver(inv);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    clearInterval(this.memoryTimer);
    this.server.close();
    const child = this.child;
    if (!child || this.exited) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private async start(): Promise<void> {
    let address: string;
    try {
      address = await this.server.listen();
    } catch (err) {
      this.ended({ code: 1, signal: null, error: err as Error });
      return;
    }
    if (this.dead) return;
    const { command, args, cwd, env } = this.options;
    // Through setpriv the kernel kills the environment when the service dies, however it dies.
    const [file, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', command, ...args]] : [command, args];
    const child = spawn(file, argv, {
      cwd,
      env: { ...env, AWS_LAMBDA_RUNTIME_API: address },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => this.onLog(text));
    }
    child.on('error', (error) => {
      if (child.pid !== undefined) child.kill('SIGKILL');
      else this.ended({ code: 1, signal: null, error });
    });
    child.on('exit', (code, signal) => this.ended({ code, signal }));
    this.memoryTimer = setInterval(() => this.enforceMemory(), MEMORY_CHECK_MS);
    this.memoryTimer.unref();
  }

  // MemorySize is enforced on the runtime process's resident memory, as for nodejs child processes.
  private enforceMemory(): boolean {
    if (this.exited || this.killedForMemory) return this.killedForMemory;
    const rss = residentBytes(this.child?.pid);
    if (rss === undefined || rss <= this.memorySizeMb * 1024 * 1024) return false;
    this.killedForMemory = true;
    this.child?.kill('SIGKILL');
    return true;
  }

  private ended(info: { code: number | null; signal: NodeJS.Signals | null; error?: Error }): void {
    if (this.exited) return;
    this.exited = true;
    this.exitInfo = info;
    this.dead = true;
    clearInterval(this.memoryTimer);
    clearTimeout(this.idleTimer);
    this.server.close();
    this.settle(this.exitOutcome());
    this.onExit();
  }

  // Output written before the response sits in the stdout pipe, ready in the same poll as the response's
  // socket: settling after that poll phase (setImmediate) keeps it in this invocation's log tail.
  private settleAfterOutput(outcome: RunOutcome): void {
    setImmediate(() => this.settle(outcome));
  }

  private settle(outcome: RunOutcome): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (outcome.type === 'ok') this.requestId = undefined;
    waiter?.(outcome);
  }

  // RT-13: a runtime that could not be started at all is an invalid entrypoint.
  private exitOutcome(): RunOutcome {
    const info = this.exitInfo ?? { code: 1, signal: null };
    if (info.error !== undefined) {
      const errorMessage = `RequestId: ${this.requestId ?? 'unknown'} Error: ${info.error.message}`;
      return { type: 'error', error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage }, fatal: true };
    }
    return exitOutcome(this.requestId, { code: info.code, signal: info.signal, outOfMemory: this.killedForMemory });
  }
}

/** The errorType of a posted error: the body's, else the header's (RT-5, RT-9). */
function errorOf(body: Buffer, header: string | undefined, fallback: string): ErrorBody {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorType === 'string') {
      return {
        errorType: parsed.errorType,
        errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '',
      };
    }
  } catch {
    // not JSON: any body is accepted and passed on as it is
  }
  return { errorType: header ?? fallback, errorMessage: body.toString('utf8') };
}
