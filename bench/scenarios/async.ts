// Async invocation queue on Redis: sluice's engine (submit → Redis store → claim → no-op handler) against a raw
// ioredis reliable-queue loop (async-kit: LPUSH, BLMOVE plus pipelined LMOVEs to a processing list, 32 events at
// once like sluice's engine, LREM after handling: the same at-least-once guarantee) on the same server, in the
// same run, alternating rounds; every row is the median of the rounds with their spread. Rows:
//   accept   events enqueued with 100 in flight while the consumer runs (sluice: engine.submit() resolved =
//            where the Invoke API answers 202; raw: LPUSH acknowledged), against plain and pipelined LPUSH
//   accept, consumer stopped   the same without anything consuming (raw: pipelined LPUSH)
//            (accept rows: 20,000 events quick / 50,000 full, so warm-up does not dominate; params carry the CPU
//            µs per accepted event of each side, measured the same way)
//   flood    the same events until the last reached the handler (sluice) or was popped (raw); latency =
//            submit() called → handler entered, mostly queueing behind the others
//   paced    1,000 events/s; latency submit() → handler entered
//   idle     one event at a time on an idle queue; the same latency without a queue in front
// The sluice side is the engine with the service's defaults and a no-op function, not the HTTP API or a runtime.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAsyncEngine } from '../../src/core/async/engine.js';
import type { AsyncEngine } from '../../src/core/async/types.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { createRedisAsyncQueue } from '../../src/state/async-redis.js';
import { quantiles } from '../lib/measure.js';
import { CostMeter, quietLogger, systemClock } from '../lib/runtime.js';
import { redisUrl } from '../lib/servers.js';
import { fromRounds, median } from '../lib/stats.js';
import type { BenchContext, BenchRow, Scenario, Side } from '../lib/types.js';
import {
  acceptOnly,
  arrivals,
  benchRaw,
  IN_FLIGHT,
  measure,
  payload,
  rawAcceptOnly,
  type AcceptRun,
  type Arrivals,
  type Config,
  type Result,
} from './async-kit.js';

const FULL: Config = { events: 50_000, idleSamples: 300, pacedEvents: 3_000, rounds: 3 };
const QUICK: Config = { events: 20_000, idleSamples: 100, pacedEvents: 1_000, rounds: 3 };

function sluiceEngine(
  url: string,
  prefix: string,
  seen: Arrivals,
): { engine: AsyncEngine; close: () => Promise<void> } {
  const queue = createRedisAsyncQueue({ url, prefix });
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
  return { engine, close: () => queue.close() };
}

async function benchSluice(url: string, cfg: Config): Promise<Result> {
  const seen = arrivals();
  const { engine, close } = sluiceEngine(url, `bench-${randomUUID()}`, seen);
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
    await close();
  }
}

/** submit() with the engine never started; the queue's keys are dropped afterwards. */
async function sluiceAcceptOnly(url: string, events: number): Promise<AcceptRun> {
  const prefix = `bench-${randomUUID()}`;
  const { engine, close } = sluiceEngine(url, prefix, arrivals());
  try {
    return await acceptOnly(events, (i) => engine.submit('noop', payload, `s${i}`));
  } finally {
    await close();
    const admin = new Redis(url);
    await admin.del(...['events', 'state', 'due', 'claims', 'owners', 'enq', 'ready'].map((k) => `{${prefix}}:${k}`));
    await admin.quit();
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const url = redisUrl();
  const results: Record<'raw' | 'piped' | 'sluice', Result[]> = { raw: [], piped: [], sluice: [] };
  const stopped: Record<'piped' | 'sluice', AcceptRun[]> = { piped: [], sluice: [] };
  const meters = { raw: new CostMeter(), piped: new CostMeter(), sluice: new CostMeter() };
  for (let r = 0; r < cfg.rounds; r++) {
    ctx.progress(`round ${r + 1}/${cfg.rounds}: raw`);
    results.raw.push(await meters.raw.measure(() => benchRaw(url, cfg, false)));
    ctx.progress(`round ${r + 1}/${cfg.rounds}: raw pipelined`);
    results.piped.push(await meters.piped.measure(() => benchRaw(url, cfg, true)));
    stopped.piped.push(await rawAcceptOnly(url, cfg.events));
    ctx.progress(`round ${r + 1}/${cfg.rounds}: sluice`);
    results.sluice.push(await meters.sluice.measure(() => benchSluice(url, cfg)));
    stopped.sluice.push(await sluiceAcceptOnly(url, cfg.events));
  }
  // Throughput: median of rounds; latency: all rounds pooled.
  const side = (
    kind: 'raw' | 'piped' | 'sluice',
    rate: (r: Result) => number,
    lat?: (r: Result) => number[],
  ): Side => ({
    ...fromRounds(results[kind].map(rate)),
    ...(lat ? { latency: quantiles(results[kind].flatMap(lat)) } : {}),
    cost: meters[kind].cost(),
  });
  const params = {
    events: cfg.events,
    idleSamples: cfg.idleSamples,
    pacedEvents: cfg.pacedEvents,
    rounds: cfg.rounds,
    inFlight: IN_FLIGHT,
  };
  // CPU µs of the benchmark process per accepted event, median of rounds (with the consumer: its share included).
  const cpu = (runs: number[]) => Number(median(runs).toFixed(2));
  const acceptCpu = (raw: 'raw' | 'piped') => ({
    ...params,
    sluiceCpuUsPerEvent: cpu(results.sluice.map((r) => r.acceptCpuUsPerEvent)),
    rawCpuUsPerEvent: cpu(results[raw].map((r) => r.acceptCpuUsPerEvent)),
  });
  const notes =
    'Redis; raw = ioredis LPUSH → BLMOVE (+ 31 pipelined LMOVEs: 32 at once, as sluice) to a processing list → ' +
    'pipelined LREM (reliable queue, at-least-once like sluice); median of rounds; ' +
    'CPU/RSS cover the whole round of each side';
  const pipedNotes = `${notes}; raw LPUSHes auto-pipelined per tick (enableAutoPipelining)`;
  return [
    {
      group: 'async',
      name: `accept (Invoke 202), ${IN_FLIGHT} in flight`,
      unit: 'events/s',
      rawLoop: '`LPUSH`, consumer running',
      sluice: side('sluice', (r) => r.acceptedPerSec),
      raw: side('raw', (r) => r.acceptedPerSec),
      params: acceptCpu('raw'),
      notes,
    },
    {
      group: 'async',
      name: `accept (Invoke 202), ${IN_FLIGHT} in flight, vs pipelined LPUSH`,
      unit: 'events/s',
      rawLoop: 'pipelined `LPUSH`, consumer running',
      sluice: side('sluice', (r) => r.acceptedPerSec),
      raw: side('piped', (r) => r.acceptedPerSec),
      params: acceptCpu('piped'),
      notes: pipedNotes,
    },
    {
      group: 'async',
      name: `accept, consumer stopped, vs pipelined LPUSH`,
      unit: 'events/s',
      rawLoop: 'pipelined `LPUSH`, no consumer',
      sluice: fromRounds(stopped.sluice.map((r) => r.perSec)),
      raw: fromRounds(stopped.piped.map((r) => r.perSec)),
      params: {
        ...params,
        sluiceCpuUsPerEvent: cpu(stopped.sluice.map((r) => r.cpuUsPerEvent)),
        rawCpuUsPerEvent: cpu(stopped.piped.map((r) => r.cpuUsPerEvent)),
      },
      notes: `${pipedNotes}; nothing consumes while the events are accepted (no CPU/RSS: measured inside the rounds)`,
    },
    {
      group: 'async',
      name: 'paced 1,000 events/s: accept→handler',
      unit: 'events/s',
      rawLoop: '`BLMOVE` ×32 + `LREM` (reliable queue)',
      sluice: side(
        'sluice',
        () => 1_000,
        (r) => r.paced,
      ),
      raw: side(
        'raw',
        () => 1_000,
        (r) => r.paced,
      ),
      params,
      notes,
    },
    {
      group: 'async',
      name: `flood of ${cfg.events}: accept→handler`,
      unit: 'events/s',
      rawLoop: '`BLMOVE` ×32 + `LREM` (reliable queue)',
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
      rawLoop: '`BLMOVE` ×32 + `LREM` (reliable queue)',
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
