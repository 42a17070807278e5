// Async invocation queue on Redis: sluice's engine (submit → Redis store → claim → no-op handler) against a raw
// ioredis LPUSH/BRPOP loop on the same server, in the same run, alternating rounds. Three rows per run:
//   accept   events enqueued with 100 in flight (sluice: engine.submit() resolved = where the Invoke API answers
//            202; raw: LPUSH acknowledged)
//   flood    the same events until the last reached the handler (sluice) or was popped (raw); latency =
//            submit() called → handler entered, mostly queueing behind the others
//   idle     one event at a time on an idle queue; the same latency without a queue in front
// The sluice side is the engine with the service's defaults and a no-op function, not the HTTP API or a runtime.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAsyncEngine } from '../../src/core/async/engine.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { createRedisAsyncQueue } from '../../src/state/async-redis.js';
import { quantiles } from '../lib/measure.js';
import { CostMeter, median, quietLogger, systemClock } from '../lib/runtime.js';
import { redisUrl } from '../lib/servers.js';
import type { BenchContext, BenchRow, Scenario, Side } from '../lib/types.js';

interface Config {
  events: number;
  idleSamples: number;
  rounds: number;
}
const FULL: Config = { events: 10_000, idleSamples: 300, rounds: 3 };
const QUICK: Config = { events: 3_000, idleSamples: 100, rounds: 2 };
const IN_FLIGHT = 100;
const payload = Buffer.from('{"hello":"world"}');

interface Result {
  acceptedPerSec: number;
  handledPerSec: number;
  idlePerSec: number;
  flood: number[];
  idle: number[];
}

async function inFlight(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Resolves when `count` events have reached the handler; `arrive(id)` is called from the handler. */
function arrivals() {
  const startedAt = new Map<string, number>();
  const latencies: number[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    sent(id: string) {
      startedAt.set(id, performance.now());
    },
    arrive(id: string) {
      const t0 = startedAt.get(id);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      if (waiting && latencies.length >= waiting.count) waiting.resolve();
    },
    until(count: number): Promise<void> {
      if (latencies.length >= count) return Promise.resolve();
      return new Promise((resolve) => (waiting = { count, resolve }));
    },
    take(): number[] {
      return latencies.splice(0);
    },
  };
}

type Send = (id: string) => Promise<unknown>;

/** The shared measurement: a flood of `events`, then `idleSamples` one at a time. */
async function measure(cfg: Config, send: Send, seen: ReturnType<typeof arrivals>): Promise<Result> {
  const t0 = performance.now();
  await inFlight(cfg.events, (i) => send(`f${i}`));
  const acceptSecs = (performance.now() - t0) / 1000;
  await seen.until(cfg.events);
  const handleSecs = (performance.now() - t0) / 1000;
  const flood = seen.take();
  const idle: number[] = [];
  const i0 = performance.now();
  for (let i = 0; i < cfg.idleSamples; i++) {
    await send(`i${i}`);
    await seen.until(1);
    idle.push(...seen.take());
  }
  const idleSecs = (performance.now() - i0) / 1000;
  return {
    acceptedPerSec: cfg.events / acceptSecs,
    handledPerSec: cfg.events / handleSecs,
    idlePerSec: cfg.idleSamples / idleSecs,
    flood,
    idle,
  };
}

async function benchSluice(url: string, cfg: Config): Promise<Result> {
  const queue = createRedisAsyncQueue({ url, prefix: `bench-${randomUUID()}` });
  const seen = arrivals();
  const invoker: Invoker = {
    has: () => true,
    invoke: (_name, req) => {
      seen.arrive(req.requestId);
      return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false });
    },
  };
  const engine = createAsyncEngine({
    queue,
    invoker,
    functions: () => ({
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop',
      maximumRetryAttempts: 2,
      maximumEventAgeMs: 21_600_000,
    }),
    destinations: () => {
      throw new Error('no destinations in the benchmark');
    },
    metrics: noopMetrics,
    clock: systemClock,
    logger: quietLogger,
    owner: 'bench',
  });
  engine.start();
  try {
    return await measure(
      cfg,
      (id) => {
        seen.sent(id);
        return engine.submit('noop', payload, id);
      },
      seen,
    );
  } finally {
    await engine.stop(1_000);
    await queue.close();
  }
}

async function benchRaw(url: string, cfg: Config): Promise<Result> {
  const key = `bench-raw-${randomUUID()}`;
  const producer = new Redis(url);
  const consumer = new Redis(url);
  const seen = arrivals();
  let popping = true;
  const consume = (async () => {
    while (popping) {
      const got = await consumer.brpop(key, 1);
      if (got) seen.arrive((JSON.parse(got[1]) as { id: string }).id);
    }
  })();
  const body = payload.toString('base64');
  try {
    return await measure(
      cfg,
      (id) => {
        seen.sent(id);
        return producer.lpush(key, JSON.stringify({ id, body }));
      },
      seen,
    );
  } finally {
    popping = false;
    await consume;
    await producer.del(key);
    await producer.quit();
    await consumer.quit();
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const url = redisUrl();
  const results: Record<'raw' | 'sluice', Result[]> = { raw: [], sluice: [] };
  const meters = { raw: new CostMeter(), sluice: new CostMeter() };
  for (let r = 0; r < cfg.rounds; r++) {
    ctx.progress(`round ${r + 1}/${cfg.rounds}: raw`);
    results.raw.push(await meters.raw.measure(() => benchRaw(url, cfg)));
    ctx.progress(`round ${r + 1}/${cfg.rounds}: sluice`);
    results.sluice.push(await meters.sluice.measure(() => benchSluice(url, cfg)));
  }
  // Throughput: median of rounds; latency: all rounds pooled.
  const side = (kind: 'raw' | 'sluice', rate: (r: Result) => number, lat?: (r: Result) => number[]): Side => ({
    throughput: median(results[kind].map(rate)),
    ...(lat ? { latency: quantiles(results[kind].flatMap(lat)) } : {}),
    cost: meters[kind].cost(),
  });
  const params = { events: cfg.events, idleSamples: cfg.idleSamples, rounds: cfg.rounds, inFlight: IN_FLIGHT };
  const notes = 'Redis; raw = ioredis LPUSH → BRPOP; CPU/RSS cover the whole round of each side';
  return [
    {
      group: 'async',
      name: `accept (Invoke 202), ${IN_FLIGHT} in flight`,
      unit: 'events/s',
      sluice: side('sluice', (r) => r.acceptedPerSec),
      raw: side('raw', (r) => r.acceptedPerSec),
      params,
      notes,
    },
    {
      group: 'async',
      name: `flood of ${cfg.events}: accept→handler`,
      unit: 'events/s',
      sluice: side(
        'sluice',
        (r) => r.handledPerSec,
        (r) => r.flood,
      ),
      raw: side(
        'raw',
        (r) => r.handledPerSec,
        (r) => r.flood,
      ),
      params,
      notes,
    },
    {
      group: 'async',
      name: 'idle queue, one event at a time',
      unit: 'events/s',
      sluice: side(
        'sluice',
        (r) => r.idlePerSec,
        (r) => r.idle,
      ),
      raw: side(
        'raw',
        (r) => r.idlePerSec,
        (r) => r.idle,
      ),
      params,
      notes,
    },
  ];
}

export const asyncScenario: Scenario = { id: 'async', title: 'Async invocation queue on Redis', run };
