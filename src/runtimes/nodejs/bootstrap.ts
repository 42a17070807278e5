// Entry of one execution environment (a child process by default, or a worker thread): loads the handler
// once (init), then runs one invocation at a time with a Lambda-shaped `context`, capturing console output
// for the log tail.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { consoleFormatOf, consoleLine } from './console-format.js';
import { HandlerError, parseHandler, resolveModuleFile } from './handler-path.js';
import { toErrorBody, type ErrorBody } from '../shared/error-body.js';
import type { EnvironmentData, InvokeMessage, WorkerMessage } from './protocol.js';

type Handler = (event: unknown, context: unknown, callback: (err?: unknown, result?: unknown) => void) => unknown;
type Outcome = { ok: true; value: unknown; waitForLoop: boolean } | { ok: false; error: unknown };

interface Channel {
  data: EnvironmentData;
  send(msg: WorkerMessage, then?: () => void): void;
  onMessage(listener: (msg: InvokeMessage) => void): void;
}

const channel = openChannel();
const data = channel.data;
const send = (msg: WorkerMessage): void => channel.send(msg);
let currentRequestId: string | undefined;

captureOutput();
process.on('uncaughtException', (err) => crash(toErrorBody(err), 129));
process.on('unhandledRejection', (reason) => {
  const body = toErrorBody(reason);
  crash(
    { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: describe(reason), trace: body.trace ?? [] },
    128,
  );
});

const handler = await init();
if (handler) {
  channel.onMessage((msg) => void invoke(handler, msg));
  send({ type: 'ready' });
}

async function init(): Promise<Handler | undefined> {
  try {
    const location = parseHandler(data.handler);
    const file = resolveModuleFile(data.taskRoot, location.modulePath);
    let mod: unknown;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (err) {
      throw classifyImportError(err);
    }
    const fn = lookup(mod, location.exportPath) ?? lookup((mod as { default?: unknown }).default, location.exportPath);
    if (typeof fn !== 'function') {
      throw new HandlerError('Runtime.HandlerNotFound', `${data.handler} is undefined or not exported`);
    }
    return fn as Handler;
  } catch (err) {
    send({ type: 'init-error', error: toErrorBody(err) });
    return undefined;
  }
}

function lookup(root: unknown, exportPath: string[]): unknown {
  let value = root;
  for (const key of exportPath) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

// Lambda reports syntax errors and missing modules with Runtime.* types and rethrows anything else as is.
function classifyImportError(err: unknown): unknown {
  if (err instanceof SyntaxError) return new HandlerError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return new HandlerError('Runtime.ImportModuleError', `Error: ${(err as Error).message}`);
  }
  return err;
}

async function invoke(handler: Handler, msg: InvokeMessage): Promise<void> {
  currentRequestId = msg.requestId;
  const baseline = activeResources();
  const outcome = await run(handler, msg, baseline);
  if (outcome.ok && outcome.waitForLoop) await waitForEmptyLoop(baseline);
  currentRequestId = undefined;
  if (!outcome.ok) {
    send({ type: 'result', requestId: msg.requestId, ok: false, error: toErrorBody(outcome.error) });
    return;
  }
  try {
    // Lambda serialises `undefined` as null.
    const payload = JSON.stringify(outcome.value) ?? 'null';
    send({ type: 'result', requestId: msg.requestId, ok: true, payload });
  } catch (err) {
    send({ type: 'result', requestId: msg.requestId, ok: false, error: toErrorBody(err) });
  }
}

function run(handler: Handler, msg: InvokeMessage, baseline: Map<string, number>): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let done = false;
    const settle = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    const callback = (err?: unknown, result?: unknown): void =>
      settle(
        err != null
          ? { ok: false, error: err }
          : { ok: true, value: result, waitForLoop: context.callbackWaitsForEmptyEventLoop },
      );
    const context = makeContext(msg, settle);
    let event: unknown;
    try {
      event = msg.payload.length === 0 ? {} : JSON.parse(msg.payload);
    } catch (err) {
      settle({ ok: false, error: err });
      return;
    }
    try {
      const returned = handler(event, context, callback);
      if (isThenable(returned)) {
        returned.then(
          (value) => settle({ ok: true, value, waitForLoop: false }),
          (error: unknown) => settle({ ok: false, error: error ?? new Error('Promise rejected without a reason') }),
        );
      } else {
        // A handler that neither returns a promise nor calls back finishes with null once the loop drains.
        void waitForEmptyLoop(baseline).then(() => settle({ ok: true, value: null, waitForLoop: false }));
      }
    } catch (err) {
      settle({ ok: false, error: err });
    }
  });
}

function makeContext(msg: InvokeMessage, settle: (o: Outcome) => void) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: data.functionVersion,
    invokedFunctionArn: data.invokedFunctionArn,
    memoryLimitInMB: data.memoryLimitInMB,
    awsRequestId: msg.requestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    identity: undefined,
    clientContext: parseClientContext(msg.clientContext),
    getRemainingTimeInMillis: (): number => Math.max(0, msg.deadlineMs - Date.now()),
    // Legacy completion methods, still honoured by the Node.js runtime.
    succeed: (value?: unknown): void => settle({ ok: true, value, waitForLoop: false }),
    fail: (error?: unknown): void => settle({ ok: false, error: error ?? new Error('handled') }),
    done: (error?: unknown, value?: unknown): void =>
      settle(error != null ? { ok: false, error } : { ok: true, value, waitForLoop: false }),
  };
}

/** X-Amz-Client-Context is base64 JSON; the runtime hands the decoded object to the handler. */
function parseClientContext(encoded: string | undefined): unknown {
  if (!encoded) return undefined;
  try {
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

// callbackWaitsForEmptyEventLoop: wait until the handler left nothing new keeping the loop alive
// (timers, sockets). Polls with an unref'd timer so the poll itself is not counted.
async function waitForEmptyLoop(baseline: Map<string, number>): Promise<void> {
  for (;;) {
    await new Promise<void>((resolve) => setTimeout(resolve, 2).unref());
    const now = activeResources();
    if ([...now].every(([type, n]) => n <= (baseline.get(type) ?? 0))) return;
  }
}

function crash(error: ErrorBody, code: number): void {
  // Over IPC the message is only queued: exit once it is written (or soon, should the parent be gone).
  const exit = (): never => process.exit(code);
  setTimeout(exit, 1000).unref();
  channel.send({ type: 'crash', error }, exit);
}

// A worker thread talks through its parent port; a child process through the IPC channel of fork(),
// with its fixed data as the first argument, and exits when the service goes away.
function openChannel(): Channel {
  const port = parentPort;
  if (port) {
    return {
      data: workerData as EnvironmentData,
      send: (msg, then) => {
        port.postMessage(msg);
        then?.();
      },
      onMessage: (listener) => void port.on('message', listener),
    };
  }
  const ipc = process.send?.bind(process);
  const arg = process.argv[2];
  if (!ipc || arg === undefined) throw new Error('bootstrap must run in a worker thread or a forked process');
  process.on('disconnect', () => process.exit(0));
  return {
    data: JSON.parse(arg) as EnvironmentData,
    send: (msg, then) => void ipc(msg, undefined, undefined, () => then?.()),
    onMessage: (listener) => void process.on('message', listener),
  };
}

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}

// Console output goes to the parent as Lambda-formatted lines; the parent keeps the tail and forwards it.
function captureOutput(): void {
  const write = (chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    send({ type: 'log', data: text });
    const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  process.stdout.write = write;
  process.stderr.write = write;
  const levels = {
    log: 'INFO',
    info: 'INFO',
    warn: 'WARN',
    error: 'ERROR',
    debug: 'DEBUG',
    trace: 'TRACE',
    fatal: 'FATAL',
  } as const;
  const style = consoleFormatOf(process.env);
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]): void => {
      const line = consoleLine(style, level, currentRequestId, args);
      if (line !== undefined) send({ type: 'log', data: line });
    };
  }
}
