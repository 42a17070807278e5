// The pool every environment-based runtime shares (nodejs, and the Runtime API runtimes): environments start on
// demand within the shared budget (env-budget.ts), run one invocation at a time, are reused while healthy and
// reaped when idle; a timed-out, aborted or crashed one is thrown away (D-8). Subclasses only start environments.
import { performance } from 'node:perf_hooks';
import {
  invocationAborted,
  type FunctionRuntime,
  type FunctionSpec,
  type InvokeRequest,
  type InvokeResult,
} from '../../ports/function-runtime.js';
import { errorPayload, timeoutBody, type ErrorBody } from './error-body.js';
import { EnvironmentBudget, type BudgetMember, type BudgetOptions } from './env-budget.js';
import type { ExecutionEnvironment, RunOutcome } from './execution-environment.js';
import { FunctionOutput } from './function-output.js';
import { FUNCTION_VERSION, newLogStreamName } from './lambda-environment.js';
import { LogTail } from './log-tail.js';

export interface PooledRuntimeOptions {
  /** Idle environments are discarded after this long (Lambda keeps them for minutes). */
  idleTimeoutMs?: number;
  /** Limit for a cold start's init phase (Lambda: 10 s), separate from the function timeout. */
  initTimeoutMs?: number;
  /**
   * The bound on environments, shared by every pooled function of the service; options make a budget
   * of this function's own. The invoker's concurrency limits come first; this protects the host.
   */
  budget?: EnvironmentBudget | BudgetOptions;
  /** Where function output goes besides the log tail; default the service's stdout. */
  onLog?: (text: string, functionName: string) => void;
}

type Timed = RunOutcome | { type: 'timeout' } | { type: 'aborted' };

export abstract class PooledRuntime<E extends ExecutionEnvironment> implements FunctionRuntime, BudgetMember<E> {
  private readonly idle: E[] = [];
  private readonly all = new Set<E>();
  private readonly idleTimeoutMs: number;
  private readonly initTimeoutMs: number;
  private readonly budget: EnvironmentBudget;
  protected readonly onLog: (text: string, functionName: string) => void;
  private closed = false;
  private startingCount = 0;

  constructor(
    protected readonly spec: FunctionSpec,
    options: PooledRuntimeOptions = {},
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.budget =
      options.budget instanceof EnvironmentBudget ? options.budget : new EnvironmentBudget(options.budget ?? {});
    const output = new FunctionOutput(spec.name);
    this.onLog = options.onLog ?? ((text) => output.push(text));
  }

  /** Starts one environment with its own log stream (the budget has counted its memory). */
  protected abstract createEnvironment(logStreamName: string): E;

  /** The runtime's own log line for a failed invocation, if its runtime writes one (Node's "Invoke Error"). */
  protected errorLogLine(_requestId: string, _error: ErrorBody): string | undefined {
    return undefined;
  }

  /** Subclasses call this once their own fields are set: from then on the budget may spawn. */
  protected joinBudget(): void {
    this.budget.join(this);
  }

  /** Environments alive right now (busy or idle). */
  get environmentCount(): number {
    return this.all.size;
  }

  // BudgetMember: the budget calls these synchronously while it hands out environments.
  get size(): number {
    return this.all.size;
  }

  get starting(): number {
    return this.startingCount;
  }

  get memorySizeMb(): number {
    return this.spec.memorySizeMb;
  }

  oldestIdle(): number | undefined {
    return this.idle[0]?.idleSince;
  }

  reapOldestIdle(): void {
    const env = this.idle[0];
    if (env) void this.discard(env);
  }

  async invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult> {
    if (this.closed || signal.aborted) return invocationAborted(this.spec.name);
    const grant = await this.budget.acquire(this, signal);
    if (this.closed || (!grant && signal.aborted)) {
      if (grant) void this.discard(grant.env);
      return invocationAborted(this.spec.name);
    }
    if (!grant) {
      // CON-5: the host's bound acts as the account's concurrency limit.
      return {
        kind: 'throttle',
        reason: 'ConcurrentInvocationLimitExceeded',
        message: `Rate Exceeded. (${this.spec.name}: no execution environment free within ${this.budget.queueTimeoutMs} ms)`,
      };
    }
    const env = grant.env;
    const warm = !grant.cold;
    if (signal.aborted) {
      if (grant.cold) void this.discard(env);
      else this.release(env);
      return invocationAborted(this.spec.name);
    }
    clearTimeout(env.idleTimer);
    const logs = new LogTail();
    env.onLog = (text) => {
      logs.push(text);
      this.onLog(text, this.spec.name);
    };

    let initMs = 0;
    if (!warm) {
      const initStart = performance.now();
      this.startingCount++;
      const init = await this.timed(env.init(req.requestId), this.initTimeoutMs, signal);
      this.startingCount--;
      initMs = performance.now() - initStart;
      if (init.type !== 'ok') {
        return this.finish(env, init, req, logs, { durationMs: initMs, initMs, coldStart: true }, this.initTimeoutMs);
      }
    }

    const start = performance.now();
    const outcome = await this.timed(
      env.run({
        requestId: req.requestId,
        payload: req.payload,
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
    this.budget.leave(this);
    await Promise.all([...this.all].map((env) => this.discard(env)));
  }

  // Newest first, so older environments go idle long enough to be reaped. An environment that died
  // while idle (a late timer threw, say) is dropped rather than handed out.
  takeIdle(): E | undefined {
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      if (env.alive) return env;
      void this.discard(env);
    }
    return undefined;
  }

  spawn(): E {
    const env = this.createEnvironment(newLogStreamName());
    env.onExit = () => this.forget(env);
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
    env: E,
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
    // An environment ended by close() did not fail on its own: shutdown is not a function error.
    if (outcome.type === 'aborted' || (this.closed && !reusable)) return invocationAborted(this.spec.name);
    const payload = outcome.type === 'ok' ? Buffer.from(outcome.payload) : undefined;
    if (payload && payload.length <= MAX_RESPONSE_BYTES) {
      const tail = req.tailLogs ? { logTail: this.tail(req.requestId, logs, times) } : {};
      return { kind: 'success', payload, durationMs, coldStart, ...tail };
    }
    const error: ErrorBody =
      outcome.type === 'timeout'
        ? timeoutBody(req.requestId, limitMs)
        : outcome.type === 'error'
          ? outcome.error
          : responseTooLarge(payload?.length ?? 0);
    // The platform's timeout line, or the runtime's own line for the failure, as Lambda writes them.
    const line =
      outcome.type === 'timeout'
        ? `${new Date().toISOString()} ${req.requestId} Task timed out after ${(limitMs / 1000).toFixed(2)} seconds\n`
        : this.errorLogLine(req.requestId, error);
    if (line !== undefined) {
      logs.push(line);
      this.onLog(line, this.spec.name);
    }
    const tail = req.tailLogs ? { logTail: this.tail(req.requestId, logs, times) } : {};
    return {
      kind: 'function-error',
      payload: outcome.type === 'error' && outcome.payload ? outcome.payload : errorPayload(error),
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

  private release(env: E): void {
    if (this.closed) {
      void this.discard(env);
      return;
    }
    // Output between invocations (late timers) still reaches the service log, just not a tail.
    env.onLog = (text) => this.onLog(text, this.spec.name);
    env.idleTimer = setTimeout(() => void this.discard(env), this.idleTimeoutMs);
    env.idleTimer.unref();
    env.idleSince = performance.now();
    this.idle.push(env);
    this.budget.pump();
  }

  private async discard(env: E): Promise<void> {
    this.forget(env);
    await env.terminate();
  }

  // Once per environment, however it ended: its memory goes back to the budget.
  private forget(env: E): void {
    const i = this.idle.indexOf(env);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.all.delete(env)) this.budget.release(env.memorySizeMb);
  }
}

/** Lambda's synchronous response limit (RT-7, RT-8): 6 MiB + 100 bytes. */
export const MAX_RESPONSE_BYTES = 6_291_556;

export function responseTooLarge(size: number): ErrorBody {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}
