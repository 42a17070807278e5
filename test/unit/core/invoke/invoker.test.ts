import { describe, expect, it } from 'vitest';
import { createInvoker, type InvokerFunction } from '../../../../src/core/invoke/invoker.js';
import type {
  FunctionRuntime,
  FunctionSpec,
  InvokeRequest,
  InvokeResult,
} from '../../../../src/ports/function-runtime.js';
import type { Labels, Metrics } from '../../../../src/ports/metrics.js';

// A runtime whose invocations finish when the test says so.
class ManualRuntime implements FunctionRuntime {
  readonly pending: Array<{ req: InvokeRequest; signal: AbortSignal; finish: (r: InvokeResult) => void }> = [];
  closed = false;
  invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult> {
    return new Promise((resolve) => this.pending.push({ req, signal, finish: resolve }));
  }
  finishAll(result: InvokeResult = ok()): void {
    for (const p of this.pending.splice(0)) p.finish(result);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

class RecordingMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  readonly observations: Array<[string, Labels, number]> = [];
  private key = (name: string, labels: Labels = {}) => `${name}${JSON.stringify(labels)}`;
  inc(name: string, labels?: Labels, value = 1): void {
    const k = this.key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + value);
  }
  set(name: string, labels: Labels, value: number): void {
    this.gauges.set(this.key(name, labels), value);
  }
  observe(name: string, labels: Labels, value: number): void {
    this.observations.push([name, labels, value]);
  }
  count(name: string, labels: Labels): number {
    return this.counters.get(this.key(name, labels)) ?? 0;
  }
  gauge(name: string, labels: Labels): number | undefined {
    return this.gauges.get(this.key(name, labels));
  }
}

const ok = (coldStart = false): InvokeResult => ({
  kind: 'success',
  payload: Buffer.from('null'),
  durationMs: 12,
  coldStart,
});
const spec = (name: string): FunctionSpec => ({
  name,
  arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  timeoutMs: 3000,
  memorySizeMb: 128,
  environment: {},
  settings: {},
});
const req = (id = 'r'): InvokeRequest => ({ requestId: id, payload: Buffer.from('{}') });
const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(
  reserved: Record<string, number | undefined>,
  accountConcurrency: number,
  extra: { clock?: { now(): number; sleep(ms: number): Promise<void> }; perConcurrency?: number } = {},
) {
  const runtimes = new Map<string, ManualRuntime>();
  const functions = new Map<string, InvokerFunction>();
  for (const [name, r] of Object.entries(reserved)) {
    const runtime = new ManualRuntime();
    runtimes.set(name, runtime);
    functions.set(name, { spec: spec(name), runtime, ...(r === undefined ? {} : { reservedConcurrency: r }) });
  }
  const metrics = new RecordingMetrics();
  const invoker = createInvoker({
    functions,
    accountConcurrency,
    minimumUnreservedConcurrency: 0,
    metrics,
    clock: extra.clock,
    invocationsPerSecondPerConcurrency: extra.perConcurrency,
  });
  return { invoker, metrics, rt: (name: string) => runtimes.get(name) as ManualRuntime };
}

describe('invoker concurrency', () => {
  it('CON-1/CON-5 limits invocations per second to 10 × concurrency (account, and reserved functions)', async () => {
    let now = 0;
    const clock = { now: () => now, sleep: () => Promise.resolve() };
    const { invoker, rt } = setup({ a: undefined, r: 1 }, 2, { clock });
    const once = async (name: string) => {
      const p = invoker.invoke(name, req());
      await tick();
      rt(name).finishAll();
      return p;
    };
    // The account holds one second's worth: 20 pass at once, the 21st is throttled.
    for (let i = 0; i < 20; i++) expect(await once('a')).toMatchObject({ kind: 'success' });
    expect(await once('a')).toMatchObject({ kind: 'throttle', reason: 'FunctionInvocationRateLimitExceeded' });
    // Refills at 20 per second.
    now += 100;
    expect(await once('a')).toMatchObject({ kind: 'success' });
    // A reserved function has its own rate: 10 × 1.
    for (let i = 0; i < 10; i++) expect(await once('r')).toMatchObject({ kind: 'success' });
    expect(await once('r')).toMatchObject({ kind: 'throttle', reason: 'ReservedFunctionInvocationRateLimitExceeded' });
  });

  it('CON-1 a rate of 0 per unit of concurrency turns the limit off', async () => {
    const { invoker, rt } = setup({ a: undefined }, 1, { perConcurrency: 0 });
    for (let i = 0; i < 50; i++) {
      const p = invoker.invoke('a', req());
      await tick();
      rt('a').finishAll();
      expect(await p).toMatchObject({ kind: 'success' });
    }
  });

  it('CON-1/CON-5 throttles over the account limit at once with ConcurrentInvocationLimitExceeded', async () => {
    const { invoker, rt, metrics } = setup({ a: undefined, b: undefined }, 2);
    const first = invoker.invoke('a', req());
    const second = invoker.invoke('b', req());
    expect(await invoker.invoke('a', req(), { source: 'esm' })).toEqual({
      kind: 'throttle',
      reason: 'ConcurrentInvocationLimitExceeded',
      message: 'Rate Exceeded.',
    });
    expect(metrics.count('sluice_throttles_total', { function: 'a', source: 'esm' })).toBe(1);
    expect(invoker.running('a')).toBe(1);
    rt('a').finishAll();
    rt('b').finishAll();
    await Promise.all([first, second]);
    const third = invoker.invoke('a', req());
    await tick();
    rt('a').finishAll();
    expect(await third).toMatchObject({ kind: 'success' });
  });

  it('CON-2 reserved concurrency caps the function with ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    const { invoker, rt } = setup({ reserved: 1, other: undefined }, 10);
    const running = invoker.invoke('reserved', req());
    expect(await invoker.invoke('reserved', req())).toMatchObject({
      kind: 'throttle',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    rt('reserved').finishAll();
    await running;
    expect(invoker.concurrencyLimit('reserved')).toBe(1);
    expect(invoker.concurrencyLimit('other')).toBe(9);
  });

  it('CON-2 reserved concurrency is taken out of the unreserved pool and guaranteed to its function', async () => {
    const { invoker, rt } = setup({ reserved: 2, shared1: undefined, shared2: undefined }, 3);
    const s1 = invoker.invoke('shared1', req());
    // The unreserved pool is 3 - 2 = 1: a second unreserved invoke is throttled...
    expect(await invoker.invoke('shared2', req())).toMatchObject({ reason: 'ConcurrentInvocationLimitExceeded' });
    // ...while the reserved function still gets both of its executions.
    const r1 = invoker.invoke('reserved', req());
    const r2 = invoker.invoke('reserved', req());
    await tick();
    expect(rt('reserved').pending).toHaveLength(2);
    rt('shared1').finishAll();
    rt('reserved').finishAll();
    expect((await Promise.all([s1, r1, r2])).map((r) => r.kind)).toEqual(['success', 'success', 'success']);
  });

  it('CON-2 reserved concurrency 0 always throttles', async () => {
    const { invoker, rt } = setup({ off: 0 }, 10);
    expect(await invoker.invoke('off', req())).toMatchObject({
      kind: 'throttle',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    expect(rt('off').pending).toHaveLength(0);
  });

  it('CON-2 keeps the minimum unreserved concurrency when reserving', () => {
    const functions = new Map<string, InvokerFunction>([['f', { spec: spec('f'), runtime: new ManualRuntime() }]]);
    const invoker = createInvoker({ functions });
    expect(invoker.concurrencyLimit('f')).toBe(1000);
    invoker.setReservedConcurrency('f', 900);
    expect(invoker.concurrencyLimit('f')).toBe(900);
    expect(() => invoker.setReservedConcurrency('f', 901)).toThrow(/below its minimum value of \[100\]/);
    invoker.setReservedConcurrency('f', undefined);
    expect(invoker.reservedConcurrency('f')).toBeUndefined();
    expect(() =>
      createInvoker({
        functions: new Map([['g', { spec: spec('g'), runtime: new ManualRuntime(), reservedConcurrency: 950 }]]),
      }),
    ).toThrow(/InvalidParameterValue|minimum/);
  });

  it('moves in-flight executions between pools when a reservation changes', async () => {
    const { invoker, rt } = setup({ f: undefined, g: undefined }, 2);
    const running = invoker.invoke('f', req());
    invoker.setReservedConcurrency('f', 1);
    // f's execution left the unreserved pool (now 1), so g still fits.
    const g = invoker.invoke('g', req());
    await tick();
    expect(rt('g').pending).toHaveLength(1);
    rt('f').finishAll();
    rt('g').finishAll();
    await Promise.all([running, g]);
    expect(invoker.running('f')).toBe(0);
  });
});

describe('invoker results and metrics', () => {
  it('§10 counts invocations, errors, duration, cold starts and concurrency; throttles are not invocations', async () => {
    const { invoker, rt, metrics } = setup({ f: 1 }, 10);
    const labels = { function: 'f', source: 'async' };
    const first = invoker.invoke('f', req(), { source: 'async' });
    await tick();
    expect(metrics.gauge('sluice_concurrent_executions', { function: 'f' })).toBe(1);
    await invoker.invoke('f', req(), { source: 'async' }); // throttled
    rt('f').finishAll(ok(true));
    await first;
    expect(metrics.gauge('sluice_concurrent_executions', { function: 'f' })).toBe(0);
    const second = invoker.invoke('f', req(), { source: 'async' });
    await tick();
    rt('f').finishAll({
      kind: 'function-error',
      payload: Buffer.from('{}'),
      errorType: 'Error',
      durationMs: 5,
      coldStart: false,
    });
    await second;
    expect(metrics.count('sluice_invocations_total', labels)).toBe(2);
    expect(metrics.count('sluice_errors_total', labels)).toBe(1);
    expect(metrics.count('sluice_throttles_total', labels)).toBe(1);
    expect(metrics.count('sluice_cold_starts_total', { function: 'f' })).toBe(1);
    expect(metrics.observations).toEqual([
      ['sluice_duration_seconds', { function: 'f' }, 0.012],
      ['sluice_duration_seconds', { function: 'f' }, 0.005],
    ]);
  });

  it('ERR-7 a throttle or system error from the runtime is not an invocation', async () => {
    const { invoker, rt, metrics } = setup({ f: undefined }, 10);
    const labels = { function: 'f', source: 'sync' };
    const t = invoker.invoke('f', req());
    await tick();
    rt('f').finishAll({ kind: 'throttle', reason: 'ConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' });
    expect(await t).toMatchObject({ kind: 'throttle' });
    const s = invoker.invoke('f', req());
    await tick();
    rt('f').finishAll({ kind: 'system-error', statusCode: 502, errorType: 'ServiceException', message: 'down' });
    expect(await s).toMatchObject({ kind: 'system-error' });
    expect(metrics.count('sluice_invocations_total', labels)).toBe(0);
    expect(metrics.count('sluice_throttles_total', labels)).toBe(1);
    expect(metrics.count('sluice_invoke_system_errors_total', labels)).toBe(1);
  });

  it('a runtime that rejects gives a system error and frees its slot', async () => {
    const functions = new Map<string, InvokerFunction>([
      [
        'f',
        {
          spec: spec('f'),
          runtime: { invoke: () => Promise.reject(new Error('bug')), close: () => Promise.resolve() },
          reservedConcurrency: 1,
        },
      ],
    ]);
    const invoker = createInvoker({ functions, minimumUnreservedConcurrency: 0 });
    expect(await invoker.invoke('f', req())).toMatchObject({ kind: 'system-error', statusCode: 500, message: 'bug' });
    expect(invoker.running('f')).toBe(0);
  });

  it('unknown functions are ResourceNotFoundException; has() tells', async () => {
    const { invoker } = setup({ f: undefined }, 10);
    expect(invoker.has('f')).toBe(true);
    expect(invoker.has('nope')).toBe(false);
    expect(await invoker.invoke('nope', req())).toMatchObject({
      kind: 'system-error',
      statusCode: 404,
      errorType: 'ResourceNotFoundException',
    });
  });

  it('honours the abort signal: not run when already aborted, and passed to the runtime', async () => {
    const { invoker, rt } = setup({ f: undefined }, 10);
    const controller = new AbortController();
    controller.abort();
    expect(await invoker.invoke('f', req(), { signal: controller.signal })).toMatchObject({ kind: 'system-error' });
    expect(rt('f').pending).toHaveLength(0);
    const live = new AbortController();
    const p = invoker.invoke('f', req(), { signal: live.signal });
    await tick();
    expect(rt('f').pending[0]?.signal).toBe(live.signal);
    rt('f').finishAll();
    await p;
  });

  it('close() closes every runtime', async () => {
    const { invoker, rt } = setup({ f: undefined, g: 2 }, 10);
    await invoker.close();
    expect(rt('f').closed && rt('g').closed).toBe(true);
  });
});
