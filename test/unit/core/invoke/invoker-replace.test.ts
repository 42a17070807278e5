// FN-16/FN-22: a function replaced at runtime finishes its in-flight invocations on the old code; new ones run
// the new code; the old runtime closes once the last one ends. FN-27: a removed function is not found.
import { describe, expect, it } from 'vitest';
import { createInvoker, type InvokerFunction } from '../../../../src/core/invoke/invoker.js';
import type { FunctionRuntime, InvokeRequest, InvokeResult } from '../../../../src/ports/function-runtime.js';

class ManualRuntime implements FunctionRuntime {
  readonly pending: Array<(r: InvokeResult) => void> = [];
  closed = false;
  constructor(readonly label: string) {}
  invoke(): Promise<InvokeResult> {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  finishAll(): void {
    for (const finish of this.pending.splice(0))
      finish({ kind: 'success', payload: Buffer.from(JSON.stringify(this.label)), durationMs: 1, coldStart: false });
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const fn = (runtime: FunctionRuntime, reservedConcurrency?: number): InvokerFunction => ({
  spec: {
    name: 'f',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    timeoutMs: 3000,
    memorySizeMb: 128,
    environment: {},
    settings: {},
  },
  runtime,
  reservedConcurrency,
});
const req: InvokeRequest = { requestId: 'r', payload: Buffer.from('{}') };
const tick = () => new Promise((resolve) => setImmediate(resolve));
const text = (r: InvokeResult) => (r.kind === 'success' ? r.payload.toString() : r.kind);

describe('invoker: functions added, replaced and removed at runtime', () => {
  it('FN-22 in-flight invocations finish on the old code, new ones run the new code, then the old one closes', async () => {
    const v1 = new ManualRuntime('v1');
    const v2 = new ManualRuntime('v2');
    const invoker = createInvoker({ functions: new Map(), minimumUnreservedConcurrency: 0 });
    expect(invoker.has('f')).toBe(false);
    invoker.putFunction('f', fn(v1));
    const first = invoker.invoke('f', req);
    await tick();
    invoker.putFunction('f', fn(v2));
    const second = invoker.invoke('f', req);
    await tick();
    expect(v1.closed).toBe(false);
    v2.finishAll();
    expect(text(await second)).toBe('"v2"');
    v1.finishAll();
    expect(text(await first)).toBe('"v1"');
    expect(v1.closed).toBe(true);
    expect(v2.closed).toBe(false);
  });

  it('FN-22 a replacement keeps the reservation set with PutFunctionConcurrency', () => {
    const invoker = createInvoker({ functions: new Map(), accountConcurrency: 10, minimumUnreservedConcurrency: 0 });
    invoker.putFunction('f', fn(new ManualRuntime('v1')));
    invoker.setReservedConcurrency('f', 3);
    invoker.putFunction('f', fn(new ManualRuntime('v2')));
    expect(invoker.reservedConcurrency('f')).toBe(3);
  });

  it('FN-27 a removed function answers not found, its reservation is freed and its runtime closes', async () => {
    const v1 = new ManualRuntime('v1');
    const invoker = createInvoker({ functions: new Map(), accountConcurrency: 10, minimumUnreservedConcurrency: 0 });
    invoker.putFunction('f', fn(v1, 4));
    expect(invoker.concurrencyLimit('f')).toBe(4);
    invoker.removeFunction('f');
    expect(v1.closed).toBe(true);
    expect(invoker.has('f')).toBe(false);
    const r = await invoker.invoke('f', req);
    expect(r).toMatchObject({ kind: 'system-error', statusCode: 404, errorType: 'ResourceNotFoundException' });
    invoker.putFunction('g', { ...fn(new ManualRuntime('g')), reservedConcurrency: undefined });
    expect(invoker.concurrencyLimit('g')).toBe(10);
  });
});
