// Async invocation queue on Redis: sluice's engine (submit → Redis store → claim → no-op handler) against a raw
// ioredis LPUSH/BRPOP loop on the same server, in the same run, alternating rounds.
//   npm run bench:async [-- N]         (Redis from SLUICE_REDIS_URL, else .services/servers.json)
// Measured per side:
//   accepted/s   N events enqueued with 100 in flight (sluice: engine.submit() resolved = the point where the Invoke
//                API answers 202; raw: LPUSH acknowledged)
//   handled/s    N / time until the last one reached the handler (sluice) or was popped (raw)
//   flood p50/p99  accept-to-handler latency under that flood: submit() called → handler entered (raw: LPUSH sent →
//                BRPOP returned); mostly queueing behind the other events
//   idle p50/p99   the same latency one event at a time on an idle queue
// The sluice side is the engine with the service's defaults (32 at a time, idle poll 250 ms, local submits wake
// it) and a no-op function, not the HTTP API or a function runtime: it measures the queue and scheduler only.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createAsyncEngine } from '../src/core/async/engine.js';
import type { Invoker } from '../src/core/invoke/types.js';
import type { Clock } from '../src/ports/clock.js';
import type { Logger } from '../src/ports/logger.js';
import { noopMetrics } from '../src/ports/metrics.js';
import { createRedisAsyncQueue } from '../src/state/async-redis.js';

function redisUrl(): string {
  const fromEnv = process.env.SLUICE_REDIS_URL;
  if (fromEnv) return fromEnv;
  const file = '.services/servers.json';
  if (existsSync(file)) {
    const url = (JSON.parse(readFileSync(file, 'utf8')) as { servers?: { redis?: { url?: string } } }).servers?.redis
      ?.url;
    if (url) return url;
  }
  throw new Error('No Redis: set SLUICE_REDIS_URL or run `npm run services:up` (writes .services/servers.json)');
}

const url = redisUrl();
const N = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 10_000);
const IDLE_SAMPLES = Number(process.env.BENCH_IDLE_SAMPLES ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 100;
const payload = Buffer.from('{"hello":"world"}');

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    }),
};

interface Result {
  acceptedPerSec: number;
  handledPerSec: number;
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

async function benchSluice(): Promise<Result> {
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
    clock,
    logger: quiet,
    owner: 'bench',
  });
  engine.start();
  const submit = (id: string) => {
    seen.sent(id);
    return engine.submit('noop', payload, id);
  };

  const t0 = performance.now();
  await inFlight(N, (i) => submit(`f${i}`));
  const acceptSecs = (performance.now() - t0) / 1000;
  await seen.until(N);
  const handleSecs = (performance.now() - t0) / 1000;
  const flood = seen.take();

  const idle: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) {
    await submit(`i${i}`);
    await seen.until(1);
    idle.push(...seen.take());
  }
  await engine.stop(1_000);
  await queue.close();
  return { acceptedPerSec: N / acceptSecs, handledPerSec: N / handleSecs, flood, idle };
}

async function benchRaw(): Promise<Result> {
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
  const push = (id: string) => {
    seen.sent(id);
    return producer.lpush(key, JSON.stringify({ id, body }));
  };

  const t0 = performance.now();
  await inFlight(N, (i) => push(`f${i}`));
  const acceptSecs = (performance.now() - t0) / 1000;
  await seen.until(N);
  const handleSecs = (performance.now() - t0) / 1000;
  const flood = seen.take();

  const idleRaw: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) {
    await push(`i${i}`);
    await seen.until(1);
    idleRaw.push(...seen.take());
  }
  popping = false;
  await consume;
  await producer.quit();
  await consumer.quit();
  return { acceptedPerSec: N / acceptSecs, handledPerSec: N / handleSecs, flood, idle: idleRaw };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const median = (xs: number[]) => pct(xs, 50);

const raws: Result[] = [];
const sluices: Result[] = [];
const started = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  raws.push(await benchRaw());
  sluices.push(await benchSluice());
  console.log(
    `round ${r + 1}/${ROUNDS}: accepted/s raw ${raws[r]!.acceptedPerSec.toFixed(0)}, ` +
      `sluice ${sluices[r]!.acceptedPerSec.toFixed(0)}`,
  );
}

function summary(rs: Result[]) {
  return {
    accepted: median(rs.map((r) => r.acceptedPerSec)),
    handled: median(rs.map((r) => r.handledPerSec)),
    floodP50: pct(
      rs.flatMap((r) => r.flood),
      50,
    ),
    floodP99: pct(
      rs.flatMap((r) => r.flood),
      99,
    ),
    idleP50: pct(
      rs.flatMap((r) => r.idle),
      50,
    ),
    idleP99: pct(
      rs.flatMap((r) => r.idle),
      99,
    ),
  };
}
const raw = summary(raws);
const sluice = summary(sluices);
const cols = ['accepted/s', 'handled/s', 'flood p50 ms', 'flood p99 ms', 'idle p50 ms', 'idle p99 ms'];
const row = (name: string, s: ReturnType<typeof summary>) =>
  [
    name.padEnd(34),
    ...[s.accepted, s.handled].map((v) => v.toFixed(0).padStart(12)),
    ...[s.floodP50, s.floodP99, s.idleP50, s.idleP99].map((v) => v.toFixed(2).padStart(13)),
  ].join('');
console.log(`\nRedis ${url}; ${N} events per flood, ${IDLE_SAMPLES} idle samples, ${ROUNDS} rounds`);
console.log(`(throughput: median of rounds; latency percentiles: all rounds pooled)`);
console.log(''.padEnd(34) + cols.map((c, i) => c.padStart(i < 2 ? 12 : 13)).join(''));
console.log(row('raw ioredis LPUSH -> BRPOP', raw));
console.log(row('sluice async engine (Redis store)', sluice));
const ratio = (a: number, b: number) => (a / b).toFixed(2).padStart(12);
console.log(
  'ratio sluice/raw'.padEnd(34) +
    ratio(sluice.accepted, raw.accepted) +
    ratio(sluice.handled, raw.handled) +
    [
      [sluice.floodP50, raw.floodP50],
      [sluice.floodP99, raw.floodP99],
      [sluice.idleP50, raw.idleP50],
      [sluice.idleP99, raw.idleP99],
    ]
      .map(([a, b]) => (a! / b!).toFixed(2).padStart(13))
      .join(''),
);
console.log(`(took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
