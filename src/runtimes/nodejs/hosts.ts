// What runs an execution environment: a child process (default, isolated) or a worker thread (opt-in,
// faster, shares the service's process). The environment sees both through the same small interface.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MEMORY_CHECK_MS, residentBytes, SETPRIV } from '../shared/process-tools.js';
import type { EnvironmentData, InvokeMessage, WorkerMessage } from './protocol.js';

export type Isolation = 'process' | 'worker';

export interface HostExit {
  code: number;
  /** Ran out of its MemorySize (heap limit, or killed for its resident memory). */
  outOfMemory: boolean;
  /** Signal that ended a child process. */
  signal?: NodeJS.Signals;
  /** A worker's error event (anything other than a crash the bootstrap reported). */
  error?: unknown;
}

export interface HostOptions {
  entry: URL;
  data: EnvironmentData;
  env: Record<string, string>;
  memorySizeMb: number;
  onMessage: (msg: WorkerMessage) => void;
  /** Output the bootstrap did not capture (native code, V8's own fatal messages). */
  onOutput: (text: string) => void;
  onExit: (exit: HostExit) => void;
}

export interface EnvironmentHost {
  send(msg: InvokeMessage): void;
  /** Kills the environment if its resident memory is over MemorySize; true if it did. */
  enforceMemory(): boolean;
  terminate(): Promise<void>;
}

export function createHost(isolation: Isolation, options: HostOptions): EnvironmentHost {
  return isolation === 'worker' ? new WorkerHost(options) : new ProcessHost(options);
}

class ProcessHost implements EnvironmentHost {
  private readonly child: ChildProcess;
  private readonly limitBytes: number;
  private readonly timer: NodeJS.Timeout;
  private killedForMemory = false;
  private exited = false;

  constructor(options: HostOptions) {
    this.limitBytes = options.memorySizeMb * 1024 * 1024;
    // The heap limit ends runaway JS early; the resident-memory check below covers Buffers and native memory.
    const heap = `--max-old-space-size=${options.memorySizeMb}`;
    this.child = fork(fileURLToPath(options.entry), [JSON.stringify(options.data)], {
      // Only Lambda's variables and the function's own: nothing of the service's environment.
      env: options.env,
      cwd: options.data.taskRoot,
      // Through setpriv, the kernel kills the environment if the service dies (SIGKILL included): a handler
      // stuck in a loop would never notice the IPC channel closing.
      ...(SETPRIV
        ? { execPath: SETPRIV, execArgv: ['--pdeathsig', 'KILL', process.execPath, heap] }
        : { execArgv: [heap] }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.on('message', (msg) => options.onMessage(msg as WorkerMessage));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => options.onOutput(text));
    }
    // A failed spawn (EAGAIN, ENOMEM) has no pid and no exit event: report it as the exit.
    this.child.on('error', (error) => {
      if (this.child.pid !== undefined) {
        this.child.kill('SIGKILL');
        return;
      }
      if (this.exited) return;
      this.exited = true;
      clearInterval(this.timer);
      options.onExit({ code: 1, outOfMemory: false, error });
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      clearInterval(this.timer);
      options.onExit({
        code: code ?? 1,
        // V8 aborts on heap exhaustion (SIGABRT); the memory check kills with SIGKILL.
        outOfMemory: this.killedForMemory || signal === 'SIGABRT',
        ...(signal ? { signal } : {}),
      });
    });
    this.timer = setInterval(() => this.enforceMemory(), MEMORY_CHECK_MS);
    this.timer.unref();
  }

  send(msg: InvokeMessage): void {
    if (this.child.connected) this.child.send(msg);
  }

  enforceMemory(): boolean {
    if (this.exited || this.killedForMemory) return this.killedForMemory;
    const rss = residentBytes(this.child.pid);
    if (rss === undefined || rss <= this.limitBytes) return false;
    this.killedForMemory = true;
    this.child.kill('SIGKILL');
    return true;
  }

  terminate(): Promise<void> {
    clearInterval(this.timer);
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

class WorkerHost implements EnvironmentHost {
  private readonly worker: Worker;
  private error: unknown;

  constructor(options: HostOptions) {
    this.worker = new Worker(options.entry, {
      env: options.env,
      workerData: options.data,
      // Only the JS heap can be bounded in a thread: Buffers and native memory are the service's.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, options.memorySizeMb) },
    });
    this.worker.on('message', (msg: WorkerMessage) => options.onMessage(msg));
    this.worker.on('error', (err: Error) => {
      this.error = err;
    });
    this.worker.on('exit', (code) => {
      const outOfMemory = (this.error as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      options.onExit({
        code,
        outOfMemory,
        ...(outOfMemory || this.error === undefined ? {} : { error: this.error }),
      });
    });
  }

  send(msg: InvokeMessage): void {
    this.worker.postMessage(msg);
  }

  enforceMemory(): boolean {
    return false;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
