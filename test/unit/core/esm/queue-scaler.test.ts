import { describe, expect, it } from 'vitest';
import { QUEUE_DEFAULT_SCALING } from '../../../../src/core/esm/queue-options.js';
import { QueueScaler } from '../../../../src/core/esm/queue-scaler.js';

function scaler(maximumConcurrency?: number, overrides = {}, concurrencyLimit?: number) {
  let now = 0;
  const s = new QueueScaler(
    { ...QUEUE_DEFAULT_SCALING, ...overrides },
    maximumConcurrency,
    () => now,
    concurrencyLimit,
  );
  return { s, advance: (ms: number) => (now += ms) };
}

describe('QueueScaler', () => {
  it('SQS-2 starts at 5 concurrent batches', () => {
    expect(scaler().s.target).toBe(5);
  });

  it('SQS-3 adds up to 300 per minute while a backlog remains and stops at 1250', () => {
    const { s, advance } = scaler();
    s.onReceive(10, 10);
    for (let i = 0; i < 60; i++) {
      advance(1000);
      s.onReceive(10, 10);
    }
    expect(s.target).toBe(5 + 300);
    for (let i = 0; i < 600; i++) {
      advance(1000);
      s.onBacklog();
    }
    expect(s.target).toBe(1250);
  });

  it('SQS-6 caps growth at MaximumConcurrency', () => {
    const { s, advance } = scaler(20);
    for (let i = 0; i < 100; i++) {
      advance(1000);
      s.onReceive(10, 10);
    }
    expect(s.target).toBe(20);
    expect(scaler(3).s.target).toBe(3);
  });

  it('D-10 caps growth at the function or account concurrency, and at the smallest of all limits', () => {
    const grow = (s: QueueScaler, advance: (ms: number) => number) => {
      for (let i = 0; i < 600; i++) {
        advance(1000);
        s.onReceive(10, 10);
      }
      return s.target;
    };
    const reserved = scaler(undefined, {}, 40);
    expect(grow(reserved.s, reserved.advance)).toBe(40);
    expect(reserved.s.cap).toBe(40);
    const below = scaler(20, {}, 40);
    expect(grow(below.s, below.advance)).toBe(20);
    const account = scaler(undefined, {}, 1000);
    expect(grow(account.s, account.advance)).toBe(1000);
    expect(scaler(undefined, {}, 3).s.target).toBe(3);
    expect(scaler(undefined, {}, 0).s.cap).toBe(1);
  });

  it('SQS-4 drops back towards 5 at low traffic and to 2 when idle', () => {
    const { s, advance } = scaler();
    for (let i = 0; i < 20; i++) {
      advance(1000);
      s.onReceive(10, 10);
    }
    expect(s.target).toBeGreaterThan(5);
    for (let i = 0; i < 200; i++) s.onReceive(3, 10);
    expect(s.target).toBe(5);
    for (let i = 0; i < 10; i++) s.onReceive(0, 10);
    expect(s.target).toBe(2);
    s.onReceive(1, 10);
    expect(s.target).toBe(5); // SQS-2 again when messages return
  });

  it('SQS-4 does not go below the initial 5 when MaximumConcurrency is set', () => {
    const { s } = scaler(100);
    for (let i = 0; i < 10; i++) s.onReceive(0, 10);
    expect(s.target).toBe(5);
  });

  it('SQS-13 lowers concurrency on function errors and pauses growth, but not with ReportBatchItemFailures', () => {
    const { s, advance } = scaler(undefined, { cooldownMs: 10_000 });
    s.onFunctionError(false);
    expect(s.target).toBe(4);
    s.onFunctionError(true);
    expect(s.target).toBe(4);
    advance(5000);
    s.onReceive(10, 10);
    advance(5000 - 1);
    s.onReceive(10, 10);
    expect(s.target).toBe(4);
    advance(1000);
    s.onReceive(10, 10);
    advance(1000);
    s.onReceive(10, 10);
    expect(s.target).toBeGreaterThan(4);
  });

  it('SQS-14 lowers concurrency on throttles, down to 1', () => {
    const { s } = scaler();
    for (let i = 0; i < 10; i++) s.onThrottle();
    expect(s.target).toBe(1);
  });
});

describe('QueueScaler in provisioned mode', () => {
  function provisioned(minimumPollers: number, maximumPollers: number, concurrencyLimit?: number) {
    let now = 0;
    const s = QueueScaler.provisioned(
      { minimumPollers, maximumPollers },
      QUEUE_DEFAULT_SCALING,
      () => now,
      concurrencyLimit,
    );
    return { s, advance: (ms: number) => (now += ms) };
  }

  it('PRV-9 starts at MinimumPollers, adds up to 1000 per minute under backlog and stops at MaximumPollers', () => {
    const { s, advance } = provisioned(2, 5000);
    expect(s.target).toBe(2);
    s.onBacklog();
    for (let i = 0; i < 60; i++) {
      advance(1000);
      s.onBacklog();
    }
    expect(s.target).toBe(2 + 1000);
    for (let i = 0; i < 600; i++) {
      advance(1000);
      s.onBacklog();
    }
    expect(s.target).toBe(5000);
    expect(s.cap).toBe(5000);
  });

  it('PRV-9 never goes below MinimumPollers: idle, function errors and throttles', () => {
    const { s, advance } = provisioned(4, 10);
    for (let i = 0; i < 30; i++) {
      advance(100);
      s.onReceive(10, 10);
    }
    expect(s.target).toBe(10);
    for (let i = 0; i < 20; i++) s.onReceive(0, 10);
    expect(s.target).toBe(4);
    for (let i = 0; i < 5; i++) {
      s.onThrottle();
      s.onFunctionError(false);
    }
    expect(s.target).toBe(4);
  });

  it('PRV-3/D-10 the function concurrency caps the pollers too', () => {
    const { s, advance } = provisioned(2, 200, 7);
    for (let i = 0; i < 100; i++) {
      advance(1000);
      s.onBacklog();
    }
    expect(s.target).toBe(7);
  });
});
