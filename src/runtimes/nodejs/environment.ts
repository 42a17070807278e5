// One execution environment seen from the service: a child process (or worker thread) that has loaded the
// handler. It runs one invocation at a time; a crash, exit or termination makes it dead for good.
import { transpiledBootstrap } from './dev-bootstrap.js';
import { createHost, type EnvironmentHost, type HostExit, type Isolation } from './hosts.js';
import type { ExecutionEnvironment, Invocation, RunOutcome } from '../shared/execution-environment.js';
import { exitOutcome } from '../shared/execution-environment.js';
import type { EnvironmentData, WorkerMessage } from './protocol.js';
import type { ErrorBody } from '../shared/error-body.js';
import { toErrorBody } from '../shared/error-body.js';

export type { RunOutcome };

export interface EnvironmentOptions {
  data: EnvironmentData;
  env: Record<string, string>;
  memorySizeMb: number;
  isolation: Isolation;
}

type Waiter = (outcome: RunOutcome) => void;

export class Environment implements ExecutionEnvironment {
  readonly logStreamName: string;
  readonly memorySizeMb: number;
  onLog: (text: string) => void = () => {};
  /** Called once when the environment has exited, for whatever reason. */
  onExit: () => void = () => {};
  idleTimer: NodeJS.Timeout | undefined;
  /** When it last went idle (performance-free wall clock, for reaping the oldest first). */
  idleSince = 0;
  private readonly host: EnvironmentHost;
  private waiter: Waiter | undefined;
  private requestId: string | undefined;
  private crashError: ErrorBody | undefined;
  private exit: HostExit | undefined;
  private dead = false;
  private readonly ready: Promise<RunOutcome>;

  constructor(options: EnvironmentOptions) {
    this.logStreamName = options.data.logStreamName;
    this.memorySizeMb = options.memorySizeMb;
    this.ready = new Promise<RunOutcome>((resolve) => (this.waiter = resolve));
    this.host = createHost(options.isolation, {
      entry: bootstrapEntry(),
      data: options.data,
      env: options.env,
      memorySizeMb: options.memorySizeMb,
      onMessage: (msg) => this.onMessage(msg),
      onOutput: (text) => this.onLog(text),
      onExit: (exit) => this.exited(exit),
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Resolves once init ran: ok, or the init error (the environment is then unusable). */
  init(requestId: string): Promise<RunOutcome> {
    this.requestId ??= requestId; // names the invocation in an exit during init
    return this.ready;
  }

  run(inv: Invocation): Promise<RunOutcome> {
    if (this.dead) return Promise.resolve(this.exitOutcome());
    this.requestId = inv.requestId;
    return new Promise<RunOutcome>((resolve) => {
      this.waiter = resolve;
      this.host.send({
        type: 'invoke',
        requestId: inv.requestId,
        payload: inv.payload.toString('utf8'),
        deadlineMs: inv.deadlineMs,
        ...(inv.clientContext ? { clientContext: inv.clientContext } : {}),
      });
    });
  }

  /** Discards the environment (timeout, abort, idle reaping, close). */
  async terminate(): Promise<void> {
    this.dead = true;
    clearTimeout(this.idleTimer);
    await this.host.terminate();
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
        void this.host.terminate();
        return;
      case 'result':
        if (msg.requestId !== this.requestId) return;
        // A result from an environment over its MemorySize is not delivered: it dies of OOM instead,
        // and its exit settles the invocation.
        if (this.host.enforceMemory()) return;
        this.requestId = undefined;
        this.settle(msg.ok ? { type: 'ok', payload: msg.payload } : { type: 'error', error: msg.error, fatal: false });
        return;
      case 'crash':
        this.crashError = msg.error;
        return;
    }
  }

  private exited(exit: HostExit): void {
    this.dead = true;
    this.exit = exit;
    clearTimeout(this.idleTimer);
    this.settle(this.exitOutcome());
    this.onExit();
  }

  // ERR-3: a crash the bootstrap reported, or a worker's error, says more than the exit itself.
  private exitOutcome(): RunOutcome {
    const exit = this.exit ?? { code: 1, outOfMemory: false };
    if (!exit.outOfMemory && this.crashError) return { type: 'error', error: this.crashError, fatal: true };
    if (!exit.outOfMemory && exit.error !== undefined) {
      return { type: 'error', error: toErrorBody(exit.error), fatal: true };
    }
    return exitOutcome(this.requestId, { code: exit.code, signal: exit.signal ?? null, outOfMemory: exit.outOfMemory });
  }
}

/** Production runs the compiled bootstrap next to this file; from TypeScript sources, a transpiled copy. */
function bootstrapEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./bootstrap.js', here);
  return transpiledBootstrap(new URL('./bootstrap.ts', here));
}
