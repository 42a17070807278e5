// The nodejs runtime: Lambda handlers in reusable worker-thread execution environments.
// The pool grows on demand (the invoker bounds concurrency) and idle environments are reaped.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FunctionRuntime, FunctionSpec, InvokeRequest, InvokeResult } from '../../ports/function-runtime.js';
import { errorPayload, timeoutBody, type ErrorBody } from '../shared/error-body.js';
import { Environment, type RunOutcome } from './environment.js';
import { FUNCTION_VERSION, functionEnv, logGroupName, newLogStreamName } from './lambda-environment.js';
import { LogTail } from './log-tail.js';

export interface NodejsRuntimeOptions {
  /** Idle environments are discarded after this long (Lambda keeps them for minutes). */
  idleTimeoutMs?: number;
  /** Limit for a cold start's init phase (Lambda: 10 s), separate from the function timeout. */
  initTimeoutMs?: number;
  /** Where function output goes besides the log tail; default the service's stdout. */
  onLog?: (text: string, functionName: string) => void;
}

type Timed = RunOutcome | { type: 'timeout' } | { type: 'aborted' };

export class NodejsRuntime implements FunctionRuntime {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly handler: string;
  private readonly taskRoot: string;
  private readonly idleTimeoutMs: number;
  private readonly initTimeoutMs: number;
  private readonly onLog: (text: string, functionName: string) => void;
  private closed = false;

  constructor(
    private readonly spec: FunctionSpec,
    options: NodejsRuntimeOptions = {},
  ) {
    const handler = spec.settings.Handler;
    if (typeof handler !== 'string' || handler === '') {
      throw new Error(`function ${spec.name}: settings.Handler is required for the nodejs runtime`);
    }
    this.handler = handler;
    const codeUri = spec.settings.CodeUri;
    this.taskRoot = path.resolve(typeof codeUri === 'string' ? codeUri : '.');
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.onLog = options.onLog ?? ((text) => void process.stdout.write(text));
  }

  /** Environments alive right now (busy or idle). */
  get environmentCount(): number {
    return this.all.size;
  }

  async invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult> {
    if (this.closed || signal.aborted) return aborted(this.spec.name);
    const warm = this.idle.pop();
    const env = warm ?? this.spawn();
    clearTimeout(env.idleTimer);
    const logs = new LogTail();
    env.onLog = (text) => {
      logs.push(text);
      this.onLog(text, this.spec.name);
    };

    let initMs = 0;
    if (!warm) {
      const initStart = performance.now();
      const init = await this.timed(env.init(), this.initTimeoutMs, signal);
      initMs = performance.now() - initStart;
      if (init.type !== 'ok') {
        return this.finish(env, init, req, logs, { durationMs: initMs, initMs, coldStart: true }, this.initTimeoutMs);
      }
    }

    const start = performance.now();
    const outcome = await this.timed(
      env.run({
        type: 'invoke',
        requestId: req.requestId,
        payload: req.payload.toString('utf8'),
        deadlineMs: Date.now() + this.spec.timeoutMs,
        ...(req.clientContext ? { clientContext: req.clientContext } : {}),
      }),
      this.spec.timeoutMs,
      signal,
    );
    const durationMs = outcome.type === 'timeout' ? this.spec.timeoutMs : performance.now() - start;
    return this.finish(env, outcome, req, logs, { durationMs, initMs, coldStart: !warm }, this.spec.timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.all].map((env) => this.discard(env)));
  }

  private spawn(): Environment {
    const logStreamName = newLogStreamName();
    const env = new Environment({
      data: {
        handler: this.handler,
        taskRoot: this.taskRoot,
        functionName: this.spec.name,
        functionVersion: FUNCTION_VERSION,
        invokedFunctionArn: this.spec.arn,
        memoryLimitInMB: String(this.spec.memorySizeMb),
        logGroupName: logGroupName(this.spec),
        logStreamName,
      },
      env: functionEnv(this.spec, this.handler, this.taskRoot, logStreamName),
      memorySizeMb: this.spec.memorySizeMb,
    });
    this.all.add(env);
    return env;
  }

  // Races a phase against its time limit and the caller's abort signal.
  private timed(phase: Promise<RunOutcome>, limitMs: number, signal: AbortSignal): Promise<Timed> {
    return new Promise<Timed>((resolve) => {
      const onAbort = (): void => resolve({ type: 'aborted' });
      const timer = setTimeout(() => resolve({ type: 'timeout' }), limitMs);
      signal.addEventListener('abort', onAbort, { once: true });
      void phase.then((outcome) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }

  private finish(
    env: Environment,
    outcome: Timed,
    req: InvokeRequest,
    logs: LogTail,
    times: { durationMs: number; initMs: number; coldStart: boolean },
    limitMs: number,
  ): InvokeResult {
    const { durationMs, coldStart } = times;
    const reusable = env.alive && (outcome.type === 'ok' || (outcome.type === 'error' && !outcome.fatal));
    // D-8: a timed-out, aborted or crashed environment is thrown away; the next invoke starts cold.
    if (reusable) this.release(env);
    else void this.discard(env);
    if (outcome.type === 'aborted') return aborted(this.spec.name);
    if (outcome.type === 'timeout') {
      const seconds = (limitMs / 1000).toFixed(2);
      const line = `${new Date().toISOString()} ${req.requestId} Task timed out after ${seconds} seconds\n`;
      logs.push(line);
      this.onLog(line, this.spec.name);
    }
    const tail = req.tailLogs ? { logTail: this.tail(req.requestId, logs, times) } : {};
    if (outcome.type === 'ok') {
      return { kind: 'success', payload: Buffer.from(outcome.payload), durationMs, coldStart, ...tail };
    }
    const error: ErrorBody = outcome.type === 'timeout' ? timeoutBody(req.requestId, limitMs) : outcome.error;
    return {
      kind: 'function-error',
      payload: errorPayload(error),
      errorType: error.errorType,
      durationMs,
      coldStart,
      ...tail,
    };
  }

  // Lambda frames the tail with START / END / REPORT lines.
  private tail(requestId: string, logs: LogTail, times: { durationMs: number; initMs: number }): string {
    const duration = times.durationMs.toFixed(2);
    const init = times.initMs > 0 ? `\tInit Duration: ${times.initMs.toFixed(2)} ms` : '';
    return logs.tail(
      `START RequestId: ${requestId} Version: ${FUNCTION_VERSION}\n`,
      `END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${duration} ms\t` +
        `Billed Duration: ${Math.ceil(times.durationMs)} ms\tMemory Size: ${this.spec.memorySizeMb} MB${init}\t\n`,
    );
  }

  private release(env: Environment): void {
    if (this.closed) {
      void this.discard(env);
      return;
    }
    env.onLog = () => {};
    env.idleTimer = setTimeout(() => {
      const i = this.idle.indexOf(env);
      if (i >= 0) this.idle.splice(i, 1);
      void this.discard(env);
    }, this.idleTimeoutMs);
    env.idleTimer.unref();
    this.idle.push(env);
  }

  private async discard(env: Environment): Promise<void> {
    this.all.delete(env);
    await env.terminate();
  }
}

function aborted(name: string): InvokeResult {
  return {
    kind: 'system-error',
    statusCode: 500,
    errorType: 'ServiceException',
    message: `invocation of ${name} aborted`,
  };
}
