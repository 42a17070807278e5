// Issue #14 items 7 and 8: what a function can see of the service and how much memory it can take,
// in the default child-process isolation, with the documented limits of the worker-thread opt-in.
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionSpec, InvokeRequest, InvokeResult } from '../../../../src/ports/function-runtime.js';
import type { Isolation } from '../../../../src/runtimes/nodejs/hosts.js';
import { NodejsRuntime } from '../../../../src/runtimes/nodejs/nodejs-runtime.js';

const runtimes: NodejsRuntime[] = [];
const never = new AbortController().signal;

function runtime(handler: string, isolation: Isolation | undefined, spec: Partial<FunctionSpec> = {}): NodejsRuntime {
  const rt = new NodejsRuntime(
    {
      name: 'iso',
      arn: 'arn:aws:lambda:eu-west-1:123456789012:function:iso',
      timeoutMs: 10_000,
      memorySizeMb: 128,
      environment: { OWN: 'mine' },
      ...spec,
      settings: { Handler: handler, CodeUri: 'test/fixtures/functions', ...spec.settings },
    },
    { onLog: () => {}, ...(isolation ? { isolation } : {}) },
  );
  runtimes.push(rt);
  return rt;
}

let seq = 0;
const request = (event: unknown = {}): InvokeRequest => ({
  requestId: `iso-${++seq}`,
  payload: Buffer.from(JSON.stringify(event)),
});
const body = (result: InvokeResult): unknown =>
  JSON.parse((result as { payload: Buffer }).payload.toString('utf8')) as unknown;

const names = (vars: string[]): string[] => vars.map((v) => v.slice(0, v.indexOf('=')));
// Lambda's reserved variables, the function's own, and Node's IPC channel variables (fork sets them).
const LAMBDA = new Set(['PATH', 'LANG', '_HANDLER', 'LAMBDA_TASK_ROOT', 'AWS_EXECUTION_ENV', 'AWS_REGION']);
const lambdaOrOwn = (name: string): boolean =>
  LAMBDA.has(name) ||
  name === 'OWN' ||
  name === 'AWS_DEFAULT_REGION' ||
  name.startsWith('AWS_LAMBDA_') ||
  name.startsWith('NODE_CHANNEL_');

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
  delete process.env.SLUICE_HOST_SECRET;
});

describe('function isolation (child processes by default)', () => {
  it('/proc/self/environ holds only Lambda variables and the function own, never the host environment', async () => {
    process.env.SLUICE_HOST_SECRET = 'do-not-leak';
    const result = await runtime('handlers.environ', undefined).invoke(request(), never);
    const vars = body(result) as string[];
    expect(vars).toContain('OWN=mine');
    expect(vars).toContain('AWS_LAMBDA_FUNCTION_NAME=iso');
    expect(vars.some((v) => v.includes('do-not-leak'))).toBe(false);
    expect(names(vars).filter((n) => !lambdaOrOwn(n))).toEqual([]);
  });

  it('worker isolation (opt-in) shares the process: /proc/self/environ is the service one, as documented', async () => {
    const vars = body(await runtime('handlers.environ', 'worker').invoke(request(), never)) as string[];
    expect(names(vars).filter((n) => !lambdaOrOwn(n)).length).toBeGreaterThan(0);
  });

  it('the environment starts in its task root and process.chdir does not move the service', async () => {
    const before = process.cwd();
    const rt = runtime('handlers.chdir', undefined);
    expect(body(await rt.invoke(request({ to: '.' }), never))).toMatch(/test\/fixtures\/functions$/);
    expect(body(await rt.invoke(request({ to: '/' }), never))).toBe('/');
    expect(process.cwd()).toBe(before);
  });

  it('ERR-3 a 600 MB Buffer under MemorySize 128 → Runtime.OutOfMemory "signal: killed", environment replaced', async () => {
    const rt = runtime('handlers.bigBuffer', undefined);
    const result = await rt.invoke(request({ mb: 600 }), never);
    expect(result).toMatchObject({ kind: 'function-error', errorType: 'Runtime.OutOfMemory' });
    expect((body(result) as { errorMessage: string }).errorMessage).toMatch(
      /^RequestId: iso-\d+ Error: Runtime exited with error: signal: killed$/,
    );
    expect(await rt.invoke(request({ mb: 10 }), never)).toMatchObject({ kind: 'success', coldStart: true });
  });

  it('a Buffer within MemorySize passes', async () => {
    const rt = runtime('handlers.bigBuffer', undefined, { memorySizeMb: 512 });
    expect(body(await rt.invoke(request({ mb: 300 }), never))).toBe(300 * 1024 * 1024);
  });

  it('a handler busy-looping its event loop does not delay another function', async () => {
    const spinner = runtime('handlers.spin', undefined, { timeoutMs: 30_000 });
    const spinning = spinner.invoke(request({ ms: 8000 }), never);
    const echo = runtime('handlers.echo', undefined);
    const started = Date.now();
    expect(await echo.invoke(request({ ok: 1 }), never)).toMatchObject({ kind: 'success' });
    // Generous: the spinner holds its own process for 8 s; the echo needs only a cold start.
    expect(Date.now() - started).toBeLessThan(4000);
    await spinner.close();
    expect(await spinning).toMatchObject({ kind: 'system-error' });
  }, 20_000);
});
