// The config's runtimes.nodejs settings reach every nodejs function, and one environment budget bounds them all.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/app/clock.js';
import { buildFunctions, type Functions } from '../../../src/app/functions.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { noopMetrics } from '../../../src/ports/metrics.js';

const built: Functions[] = [];
afterEach(async () => {
  await Promise.all(built.splice(0).map((f) => f.close()));
});

function functions(config: object): Functions {
  const r = loadConfigText(JSON.stringify(config), path.resolve('test/fixtures/functions/sluice.json'), {});
  if (r.config === undefined) throw new Error(JSON.stringify(r.problems));
  const f = buildFunctions(r.config, noopMetrics, systemClock);
  built.push(f);
  return f;
}

const req = (ms: number, id: string) => ({ requestId: id, payload: Buffer.from(JSON.stringify({ ms })) });

describe('nodejs functions built from the config', () => {
  it('CON-5 runtimes.nodejs.memoryBudgetMb bounds the environments of all functions together', async () => {
    const f = functions({
      runtimes: { nodejs: { memoryBudgetMb: 256, queueTimeoutMs: 0 } },
      functions: {
        a: { Handler: 'handlers.sleep', MemorySize: 128 },
        b: { Handler: 'handlers.sleep', MemorySize: 256 },
      },
    });
    // a's environment is counted as soon as its invoke starts (synchronously).
    const busy = f.invoker.invoke('a', req(1000, 'a-1'));
    // b needs 256 MB while a holds 128 of the 256: throttled, though b has no environment at all.
    expect(await f.invoker.invoke('b', req(1, 'b-1'))).toMatchObject({
      kind: 'throttle',
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    expect(await busy).toMatchObject({ kind: 'success' });
    // Once a is idle, its environment is reaped to make room for b.
    expect(await f.invoker.invoke('b', req(1, 'b-2'))).toMatchObject({ kind: 'success', coldStart: true });
  });

  it('Isolation "worker" on a function, or runtimes.nodejs.isolation, picks worker threads', async () => {
    const f = functions({
      runtimes: { nodejs: { isolation: 'worker' } },
      functions: { env: { Handler: 'handlers.environ' }, own: { Handler: 'handlers.environ', Isolation: 'process' } },
    });
    const environ = async (name: string) => {
      const r = await f.invoker.invoke(name, { requestId: name, payload: Buffer.from('{}') });
      return JSON.parse((r as { payload: Buffer }).payload.toString()) as string[];
    };
    // A worker thread reads the service's own /proc/self/environ; a child process only its own variables.
    expect((await environ('env')).some((v) => v.startsWith('AWS_LAMBDA_FUNCTION_NAME='))).toBe(false);
    expect(await environ('own')).toContain('AWS_LAMBDA_FUNCTION_NAME=own');
  });
});

describe('reserved concurrency set over the API', () => {
  it('FN-28 a reservation put at run time reaches the async settings (reserved 0 sends events to OnFailure)', () => {
    const f = functions({ functions: { a: { Handler: 'handlers.sleep', ReservedConcurrentExecutions: 3 } } });
    expect(f.asyncConfig('a')?.reservedConcurrency).toBe(3);
    f.invoker.setReservedConcurrency('a', 0);
    expect(f.asyncConfig('a')?.reservedConcurrency).toBe(0);
    f.invoker.setReservedConcurrency('a', undefined);
    expect(f.asyncConfig('a')?.reservedConcurrency).toBeUndefined();
  });
});
