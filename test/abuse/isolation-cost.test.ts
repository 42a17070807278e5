// What isolation costs (issue #14 item 8): cold start of one execution environment and the invoke overhead
// of a no-op handler, child process vs worker thread. Figures are printed, never asserted.
import { describe, expect, it } from 'vitest';
import type { InvokeRequest } from '../../src/ports/function-runtime.js';
import type { Isolation } from '../../src/runtimes/nodejs/hosts.js';
import { NodejsRuntime } from '../../src/runtimes/nodejs/nodejs-runtime.js';

const COLD = 10;
const WARM = 1000;
const never = new AbortController().signal;
let seq = 0;
const noop = (): InvokeRequest => ({ requestId: `cost-${++seq}`, payload: Buffer.from('{}') });

function runtime(isolation: Isolation): NodejsRuntime {
  return new NodejsRuntime(
    {
      name: 'cost',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:cost',
      timeoutMs: 10_000,
      memorySizeMb: 128,
      environment: {},
      settings: { Handler: 'handlers.nothing', CodeUri: 'test/fixtures/functions' },
    },
    { isolation, onLog: () => {} },
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe('isolation cost', () => {
  it('cold start per environment and no-op invoke p50, child process vs worker thread', async () => {
    const figures: Record<string, { coldStartMsP50: number; invokeMsP50: number; invokeMsP99: number }> = {};
    for (const isolation of ['process', 'worker'] as const) {
      const cold: number[] = [];
      for (let i = 0; i < COLD; i++) {
        const rt = runtime(isolation);
        const t = performance.now();
        expect(await rt.invoke(noop(), never)).toMatchObject({ kind: 'success', coldStart: true });
        cold.push(performance.now() - t);
        await rt.close();
      }
      const rt = runtime(isolation);
      await rt.invoke(noop(), never);
      const warm: number[] = [];
      for (let i = 0; i < WARM; i++) {
        const t = performance.now();
        const result = await rt.invoke(noop(), never);
        warm.push(performance.now() - t);
        expect(result.kind).toBe('success');
      }
      await rt.close();
      warm.sort((a, b) => a - b);
      figures[isolation] = {
        coldStartMsP50: Number(median(cold).toFixed(1)),
        invokeMsP50: Number(median(warm).toFixed(3)),
        invokeMsP99: Number((warm[Math.floor(WARM * 0.99)] ?? Number.NaN).toFixed(3)),
      };
    }
    process.stdout.write(`\nabuse probe: isolation cost\n${JSON.stringify(figures, null, 2)}\n`);
  }, 120_000);
});
