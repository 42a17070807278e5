import { afterAll, describe, expect, it } from 'vitest';
import { createInvoker, type InvokerFunction } from '../../../../src/core/invoke/invoker.js';
import type { FunctionSpec } from '../../../../src/ports/function-runtime.js';
import { createRuntime } from '../../../../src/runtimes/index.js';

const spec = (name: string, settings: Record<string, unknown>): FunctionSpec => ({
  name,
  arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  timeoutMs: 3000,
  memorySizeMb: 128,
  environment: {},
  settings,
});

const functions = new Map<string, InvokerFunction>();
for (const [name, settings, reservedConcurrency] of [
  ['hello', { Handler: 'hello.handler', CodeUri: 'config/functions' }, undefined],
  ['sleepy', { Handler: 'handlers.sleep', CodeUri: 'test/fixtures/functions' }, 1],
] as const) {
  const s = spec(name, settings);
  const runtime = createRuntime(s, 'nodejs', { nodejs: { onLog: () => {} } });
  functions.set(name, { spec: s, runtime, ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }) });
}
const invoker = createInvoker({ functions, accountConcurrency: 10, minimumUnreservedConcurrency: 0 });
afterAll(() => invoker.close());

const req = (requestId: string, event: unknown) => ({ requestId, payload: Buffer.from(JSON.stringify(event)) });

describe('invoker over the nodejs runtime', () => {
  it('runs the README example function', async () => {
    const result = await invoker.invoke('hello', req('hello-1', { name: 'sluice' }));
    expect(result.kind === 'success' && JSON.parse(result.payload.toString())).toEqual({
      hello: 'sluice',
      requestId: 'hello-1',
    });
    const anonymous = await invoker.invoke('hello', req('hello-2', null));
    expect(anonymous.kind === 'success' && JSON.parse(anonymous.payload.toString())).toEqual({
      hello: 'world',
      requestId: 'hello-2',
    });
  });

  it('CON-2/CON-5 a reserved concurrency of 1 throttles the second concurrent invoke instead of queueing it', async () => {
    const first = invoker.invoke('sleepy', req('s-1', { ms: 300 }));
    const second = await invoker.invoke('sleepy', req('s-2', { ms: 1 }));
    expect(second).toMatchObject({ kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    expect(await first).toMatchObject({ kind: 'success' });
    expect(await invoker.invoke('sleepy', req('s-3', { ms: 1 }))).toMatchObject({ kind: 'success', coldStart: false });
  });
});
