// The runtime contract (issue #19): what a function sees and what its caller gets back is the same on every
// runtime family. Each factory runs the same handler behaviours (test/fixtures/runtimes/*): echo, fail, crash,
// sleep, big, log, context, env, oom, pid; an init failure comes from INIT_FAIL=1.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionRuntime, FunctionSpec, InvokeRequest, InvokeResult } from '../../src/ports/function-runtime.js';

export interface RuntimeFactory {
  name: string;
  /** Runs once before the suite (installs a runtime client); may be slow. */
  prepare?(): Promise<void>;
  /** The code root the runtime reads (LAMBDA_TASK_ROOT). */
  codeUri: string;
  handler: string;
  /** What the runtime's client reports when the code fails to initialise (INIT_FAIL=1). */
  initError: { errorType: string; errorMessage: RegExp };
  create(spec: FunctionSpec): FunctionRuntime;
}

const never = new AbortController().signal;

export function describeRuntime(f: RuntimeFactory): void {
  describe(`runtime contract: ${f.name}`, () => {
    const open: FunctionRuntime[] = [];
    beforeAll(async () => {
      await f.prepare?.();
      // A variable of the service's own must never reach a function.
      process.env.SLUICE_SECRET_PROBE = 'service-secret';
    }, 600_000);
    afterAll(() => {
      delete process.env.SLUICE_SECRET_PROBE;
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((rt) => rt.close()));
    });

    const runtime = (over: Partial<FunctionSpec> = {}) => {
      const name = over.name ?? `rt-${randomUUID().slice(0, 8)}`;
      const rt = f.create({
        name,
        arn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
        timeoutMs: 10_000,
        memorySizeMb: 256,
        environment: { AWS_REGION: 'eu-west-1', OWN_VAR: 'mine' },
        ...over,
        settings: { Handler: f.handler, CodeUri: f.codeUri, ...over.settings },
      });
      open.push(rt);
      return rt;
    };
    const invoke = (rt: FunctionRuntime, event: unknown, extra: Partial<InvokeRequest> = {}) =>
      rt.invoke({ requestId: randomUUID(), payload: Buffer.from(JSON.stringify(event)), ...extra }, never);
    const json = (r: InvokeResult): unknown => {
      if (r.kind !== 'success' && r.kind !== 'function-error') throw new Error(`unexpected ${JSON.stringify(r)}`);
      return JSON.parse(r.payload.toString('utf8'));
    };
    const message = (r: InvokeResult): string => String((json(r) as { errorMessage?: unknown }).errorMessage);

    it('result: the event comes back unchanged; the second invoke reuses the warm environment', async () => {
      const rt = runtime();
      // No null member: Lambda's Java serialization drops them from a Map.
      const first = await invoke(rt, { a: [1, 'two'], b: { c: 'd' } });
      expect(first).toMatchObject({ kind: 'success', coldStart: true });
      expect(json(first)).toEqual({ a: [1, 'two'], b: { c: 'd' } });
      const pid1 = json(await invoke(rt, { k: 'pid' }));
      const again = await invoke(rt, { k: 'pid' });
      expect(again).toMatchObject({ kind: 'success', coldStart: false });
      expect(json(again)).toBe(pid1);
    });

    it('ERR-1 RT-5 function error: errorType and errorMessage reach the caller, the environment is kept', async () => {
      const rt = runtime();
      const failed = await invoke(rt, { k: 'fail' });
      expect(failed).toMatchObject({ kind: 'function-error', errorType: 'HandlerError' });
      expect(json(failed)).toMatchObject({ errorType: 'HandlerError', errorMessage: 'boom' });
      expect(await invoke(rt, { k: 'pid' })).toMatchObject({ kind: 'success', coldStart: false });
    });

    it('RT-12 D-8 timeout: Sandbox.Timedout, and the next invoke starts a new environment', async () => {
      const rt = runtime({ timeoutMs: 1500 });
      const pid = json(await invoke(rt, { k: 'pid' }));
      const timedOut = await invoke(rt, { k: 'sleep' });
      expect(timedOut).toMatchObject({ kind: 'function-error', errorType: 'Sandbox.Timedout' });
      expect(message(timedOut)).toMatch(/Task timed out after 1\.50 seconds/);
      const next = await invoke(rt, { k: 'pid' });
      expect(next).toMatchObject({ kind: 'success', coldStart: true });
      expect(json(next)).not.toBe(pid);
    });

    it('RT-11 init error: the invocation fails with the init error, the next one re-inits', async () => {
      const rt = runtime({ environment: { INIT_FAIL: '1' } });
      const first = await invoke(rt, {});
      expect(first).toMatchObject({ kind: 'function-error', coldStart: true, errorType: f.initError.errorType });
      expect(message(first)).toMatch(f.initError.errorMessage);
      expect(await invoke(rt, {})).toMatchObject({ kind: 'function-error', coldStart: true });
    });

    it('RT-13 crash: Runtime.ExitError with the exit status, then a fresh environment', async () => {
      const rt = runtime();
      const crashed = await invoke(rt, { k: 'crash' });
      expect(crashed).toMatchObject({ kind: 'function-error', errorType: 'Runtime.ExitError' });
      expect(message(crashed)).toMatch(/Error: Runtime exited with error: exit status 3$/);
      expect(await invoke(rt, {})).toMatchObject({ kind: 'success', coldStart: true });
    });

    it('RT-7 RT-8 oversize response: Function.ResponseSizeTooLarge, then the function runs again', async () => {
      const rt = runtime();
      const big = await invoke(rt, { k: 'big' });
      expect(big).toMatchObject({ kind: 'function-error', errorType: 'Function.ResponseSizeTooLarge' });
      expect(message(big)).toMatch(/exceeded maximum allowed payload size \(6291556 bytes\)\.$/);
      expect(await invoke(rt, { k: 'echo' })).toMatchObject({ kind: 'success' });
    });

    it('ERR-3 MemorySize: an environment over its MemorySize dies as Runtime.OutOfMemory, the next one is fresh', async () => {
      const rt = runtime({ memorySizeMb: 128 });
      const oom = await invoke(rt, { k: 'oom' });
      expect(oom).toMatchObject({ kind: 'function-error', errorType: 'Runtime.OutOfMemory' });
      expect(message(oom)).toMatch(/Runtime exited with error: signal: killed$/);
      expect(await invoke(rt, {})).toMatchObject({ kind: 'success', coldStart: true });
    });

    it('ERR-1 log tail: the handler output framed by START, END and REPORT (Init Duration when cold)', async () => {
      const rt = runtime();
      const r = await invoke(rt, { k: 'log' }, { tailLogs: true, requestId: 'log-tail-1' });
      expect(r.kind).toBe('success');
      const tail = r.kind === 'success' ? (r.logTail ?? '') : '';
      expect(tail).toMatch(/START RequestId: log-tail-1 Version: \$LATEST\n/);
      expect(tail).toMatch(/hello from the handler/);
      expect(tail).toMatch(/END RequestId: log-tail-1\nREPORT RequestId: log-tail-1\tDuration: [\d.]+ ms\t/);
      expect(tail).toMatch(/Memory Size: 256 MB\tInit Duration: [\d.]+ ms/);
    });

    it('RT-3 context: request id, remaining time, invoked ARN and client context', async () => {
      const rt = runtime({ name: 'ctx-fn' });
      // Custom values are strings: aws-lambda-go reads them as map[string]string.
      const clientContext = Buffer.from(JSON.stringify({ custom: { x: '1' } })).toString('base64');
      const r = json(await invoke(rt, { k: 'context' }, { requestId: 'ctx-req-1', clientContext })) as Record<
        string,
        unknown
      >;
      expect(r).toMatchObject({
        requestId: 'ctx-req-1',
        arn: 'arn:aws:lambda:eu-west-1:123456789012:function:ctx-fn',
        custom: { x: '1' },
      });
      expect(r.remainingMs).toBeGreaterThan(0);
      expect(r.remainingMs).toBeLessThanOrEqual(10_000);
    });

    it("RT-15 environment: Lambda's variables and the function's own, nothing of the service's", async () => {
      const rt = runtime({ name: 'env-fn', memorySizeMb: 512 });
      const r = json(await invoke(rt, { k: 'env' })) as Record<string, unknown>;
      expect(r).toMatchObject({
        name: 'env-fn',
        handler: f.handler,
        memory: '512',
        region: 'eu-west-1',
        logGroup: '/aws/lambda/env-fn',
        own: 'mine',
        leak: 'unset',
      });
      expect(r.taskRoot).toBe(r.cwd);
      expect(String(r.taskRoot)).toMatch(new RegExp(`${f.codeUri.replaceAll('/', '\\/')}$`));
    });
  });
}
