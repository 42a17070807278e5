// Test doubles for the async engine: a virtual clock, a scripted invoker, recording metrics and destinations.
import type { Clock } from '../../../../src/ports/clock.js';
import type { InvokeRequest, InvokeResult } from '../../../../src/ports/function-runtime.js';
import type { Logger } from '../../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../../src/ports/metrics.js';
import type { DeliveryContext, Destination } from '../../../../src/ports/sources.js';
import type { Invoker } from '../../../../src/core/invoke/types.js';

/** Virtual time: `sleep` advances the clock at once, so retries of deliveries need no real waiting. */
export class VirtualClock implements Clock {
  constructor(public t = Date.UTC(2026, 10, 23, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    }),
};

export const ok = (body: unknown): InvokeResult => ({
  kind: 'success',
  payload: Buffer.from(JSON.stringify(body)),
  durationMs: 1,
  coldStart: false,
});
export const fnError = (message = 'boom'): InvokeResult => ({
  kind: 'function-error',
  payload: Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: message, trace: ['at handler'] })),
  errorType: 'Error',
  durationMs: 1,
  coldStart: false,
});
export const throttle = (): InvokeResult => ({
  kind: 'throttle',
  reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  message: 'Rate Exceeded.',
});
export const systemError = (): InvokeResult => ({
  kind: 'system-error',
  statusCode: 500,
  errorType: 'ServiceException',
  message: 'runtime unavailable',
});

export interface InvokeCall {
  functionName: string;
  requestId: string;
  payload: string;
  atMs: number;
}

/** Answers each invocation with the next scripted result (the last one repeats). */
export class ScriptedInvoker implements Invoker {
  calls: InvokeCall[] = [];
  constructor(
    private readonly clock: Clock,
    private script: Array<InvokeResult | ((req: InvokeRequest, signal?: AbortSignal) => Promise<InvokeResult>)>,
  ) {}
  has(): boolean {
    return true;
  }
  async invoke(functionName: string, req: InvokeRequest, options?: { signal?: AbortSignal }): Promise<InvokeResult> {
    this.calls.push({
      functionName,
      requestId: req.requestId,
      payload: req.payload.toString('utf8'),
      atMs: this.clock.now(),
    });
    const step = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
    return typeof step === 'function' ? step(req, options?.signal) : step;
  }
}

export class RecordingMetrics implements Metrics {
  counters = new Map<string, number>();
  gauges = new Map<string, number>();
  observations: Array<{ name: string; labels: Labels; value: number }> = [];
  private key(name: string, labels: Labels = {}): string {
    const parts = Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`);
    return `${name}{${parts.join(',')}}`;
  }
  inc(name: string, labels?: Labels, value = 1): void {
    const k = this.key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + value);
  }
  set(name: string, labels: Labels, value: number): void {
    this.gauges.set(this.key(name, labels), value);
  }
  observe(name: string, labels: Labels, value: number): void {
    this.observations.push({ name, labels, value });
  }
  count(name: string, labels: Labels = {}): number {
    return this.counters.get(this.key(name, labels)) ?? 0;
  }
}

export interface Sent {
  address: string;
  record: unknown;
  ctx: DeliveryContext;
}

/** Destinations that record what they receive; an address in `failing` throws on every send. */
export class RecordingDestinations {
  sent: Sent[] = [];
  attempts = new Map<string, number>();
  failing = new Set<string>();
  resolve = (address: string): Destination => ({
    arn: address,
    send: (record, ctx) => {
      this.attempts.set(address, (this.attempts.get(address) ?? 0) + 1);
      if (this.failing.has(address)) return Promise.reject(new Error(`cannot reach ${address}`));
      this.sent.push({ address, record, ctx });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
  to(address: string): Sent[] {
    return this.sent.filter((s) => s.address === address);
  }
}

export class RecordingLogger implements Logger {
  lines: Array<{ level: string; obj: object; msg?: string }> = [];
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
  child(): Logger {
    return this;
  }
}
