// The nodejs runtime: Lambda handlers in reusable execution environments, each a child process (default)
// or, as an opt-in for speed, a worker thread. Environments start on demand within the shared budget
// (env-budget.ts) and idle ones are reaped.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FunctionRuntime, FunctionSpec, InvokeRequest, InvokeResult } from '../../ports/function-runtime.js';
import { errorPayload, timeoutBody, type ErrorBody } from '../shared/error-body.js';
import { EnvironmentBudget, type BudgetMember, type BudgetOptions } from './env-budget.js';
import { Environment, type RunOutcome } from './environment.js';
import type { Isolation } from './hosts.js';
import { FunctionOutput } from './function-output.js';
import { FUNCTION_VERSION, functionEnv, logGroupName, newLogStreamName } from './lambda-environment.js';
import { LogTail } from './log-tail.js';

export interface NodejsRuntimeOptions {
  /** 'process' (default): a child process per environment; 'worker': a worker thread in the service. */
  isolation?: Isolation;
  /** Idle environments are discarded after this long (Lambda keeps them for minutes). */
  idleTimeoutMs?: number;
  /** Limit for a cold start's init phase (Lambda: 10 s), separate from the function timeout. */
  initTimeoutMs?: number;
  /**
   * The bound on environments, shared by every nodejs function of the service; options make a budget
   * of this function's own. The invoker's concurrency limits come first; this protects the host.
   */
  budget?: EnvironmentBudget | BudgetOptions;
  /** Where function output goes besides the log tail; default the service's stdout. */
  onLog?: (text: string, functionName: string) => void;
}

type Timed = RunOutcome | { type: 'timeout' } | { type: 'aborted' };

export class NodejsRuntime implements FunctionRuntime, BudgetMember<Environment> {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly handler: string;
  private readonly taskRoot: string;
  private readonly isolation: Isolation;
  private readonly idleTimeoutMs: number;
  private readonly initTimeoutMs: number;
  private readonly budget: EnvironmentBudget;
  private readonly onLog: (text: string, functionName: string) => void;
  private readonly jsonLogs: boolean;
  private closed = false;
  private startingCount = 0;

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
    const isolation: unknown = spec.settings.Isolation ?? options.isolation ?? 'process';
    if (isolation !== 'process' && isolation !== 'worker') {
      throw new Error(`function ${spec.name}: settings.Isolation must be "process" or "worker"`);
    }
    this.isolation = isolation;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.budget =
      options.budget instanceof EnvironmentBudget ? options.budget : new EnvironmentBudget(options.budget ?? {});
    this.budget.join(this);
    const logging = spec.settings.LoggingConfig as { LogFormat?: string } | undefined;
    this.jsonLogs = logging?.LogFormat === 'JSON';
    const output = new FunctionOutput(spec.name);
    this.onLog = options.onLog ?? ((text) => output.push(text));
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
    if (this.closed || signal.aborted) return aborted(this.spec.name);
    const grant = await this.budget.acquire(this, signal);
    if (this.closed || (!grant && signal.aborted)) {
      if (grant) void this.discard(grant.env);
      return aborted(this.spec.name);
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
      return aborted(this.spec.name);
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
    this.budget.leave(this);
    await Promise.all([...this.all].map((env) => this.discard(env)));
  }

  // Newest first, so older environments go idle long enough to be reaped. An environment that died
  // while idle (a late timer threw, say) is dropped rather than handed out.
  takeIdle(): Environment | undefined {
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      if (env.alive) return env;
      void this.discard(env);
    }
    return undefined;
  }

  spawn(): Environment {
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
      isolation: this.isolation,
    });
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
    // An environment ended by close() did not fail on its own: shutdown is not a function error.
    if (outcome.type === 'aborted' || (this.closed && !reusable)) return aborted(this.spec.name);
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
          : responseTooLarge();
    // The runtime's own log line for the failure, as Lambda writes it to the log stream.
    const line =
      outcome.type === 'timeout'
        ? `${new Date().toISOString()} ${req.requestId} Task timed out after ${(limitMs / 1000).toFixed(2)} seconds\n`
        : this.jsonLogs
          ? `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', requestId: req.requestId, message: 'Invoke Error', errorType: error.errorType, errorMessage: error.errorMessage, stackTrace: error.trace ?? [] })}\n`
          : `${new Date().toISOString()}\t${req.requestId}\tERROR\tInvoke Error \t${JSON.stringify(error)}\n`;
    logs.push(line);
    this.onLog(line, this.spec.name);
    const tail = req.tailLogs ? { logTail: this.tail(req.requestId, logs, times) } : {};
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
    // Output between invocations (late timers) still reaches the service log, just not a tail.
    env.onLog = (text) => this.onLog(text, this.spec.name);
    env.idleTimer = setTimeout(() => void this.discard(env), this.idleTimeoutMs);
    env.idleTimer.unref();
    env.idleSince = performance.now();
    this.idle.push(env);
    this.budget.pump();
  }

  private async discard(env: Environment): Promise<void> {
    this.forget(env);
    await env.terminate();
  }

  // Once per environment, however it ended: its memory goes back to the budget.
  private forget(env: Environment): void {
    const i = this.idle.indexOf(env);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.all.delete(env)) this.budget.release(env.memorySizeMb);
  }
}

// Lambda's synchronous response limit and the error it reports beyond it.
const MAX_RESPONSE_BYTES = 6_291_556;

function responseTooLarge(): ErrorBody {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

function aborted(name: string): InvokeResult {
  return {
    kind: 'system-error',
    statusCode: 500,
    errorType: 'ServiceException',
    message: `invocation of ${name} aborted`,
  };
}
