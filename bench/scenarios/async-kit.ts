// Measurement shared by both sides of the async bench (bench/scenarios/async.ts), and the raw loop it is
// measured against: ioredis LPUSH (one command per event, or auto-pipelined per tick) → BLMOVE to a
// processing list (plus up to 31 pipelined LMOVEs: a concurrent consumer) → LREM, Redis' reliable-queue pattern
// with sluice's at-least-once guarantee.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { sleep } from '../lib/runtime.js';

export interface Config {
  events: number;
  idleSamples: number;
  /** Events sent at 1 per ms for the paced latency row. */
  pacedEvents: number;
  rounds: number;
}
export const IN_FLIGHT = 100;
/** Events the raw consumer takes per round trip: sluice's async engine runs 32 handlers at once by default. */
export const RAW_CONSUMER_BATCH = 32;
export const payload = Buffer.from('{"hello":"world"}');

export interface Result {
  acceptedPerSec: number;
  /** CPU of this process per accepted event during the accept phase (the consumer's share included). */
  acceptCpuUsPerEvent: number;
  handledPerSec: number;
  idlePerSec: number;
  flood: number[];
  idle: number[];
  paced: number[];
}

export async function inFlight(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export type Arrivals = ReturnType<typeof arrivals>;

/** Resolves when `count` events have reached the handler; `arrive(id)` is called from the handler. */
export function arrivals() {
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

export type Send = (id: string) => Promise<unknown>;

/** `n` events at one per millisecond (the sender catches up after a late timer, as steady clients would). */
async function paced(n: number, send: Send): Promise<void> {
  const t0 = performance.now();
  const sends: Array<Promise<unknown>> = [];
  let sent = 0;
  while (sent < n) {
    const due = Math.min(n, Math.floor(performance.now() - t0) + 1);
    while (sent < due) sends.push(send(`p${sent++}`));
    await sleep(1);
  }
  await Promise.all(sends);
}

/** With the consumer running: a flood of `events`, then 1,000 events/s, then `idleSamples` one at a time. */
export async function measure(cfg: Config, send: Send, seen: Arrivals): Promise<Result> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await inFlight(cfg.events, (i) => send(`f${i}`));
  const acceptSecs = (performance.now() - t0) / 1000;
  const acceptCpuUsPerEvent = cpuUs(cpu0) / cfg.events;
  await seen.until(cfg.events);
  const handleSecs = (performance.now() - t0) / 1000;
  const flood = seen.take();
  await paced(cfg.pacedEvents, send);
  await seen.until(cfg.pacedEvents);
  const pacedLatencies = seen.take();
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
    acceptCpuUsPerEvent,
    handledPerSec: cfg.events / handleSecs,
    idlePerSec: cfg.idleSamples / idleSecs,
    flood,
    idle,
    paced: pacedLatencies,
  };
}

function cpuUs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

export interface AcceptRun {
  perSec: number;
  cpuUsPerEvent: number;
}

/** Accept rate alone, nothing consuming, and this process's CPU per event. */
export async function acceptOnly(events: number, send: (i: number) => Promise<unknown>): Promise<AcceptRun> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await inFlight(events, send);
  return { perSec: events / ((performance.now() - t0) / 1000), cpuUsPerEvent: cpuUs(cpu0) / events };
}

/** The raw reliable-queue loop; `pipelined` lets ioredis send the LPUSHes of one tick in one write. */
export async function benchRaw(url: string, cfg: Config, pipelined: boolean): Promise<Result> {
  const key = `bench-raw-${randomUUID()}`;
  const producer = new Redis(url, { enableAutoPipelining: pipelined });
  const consumer = new Redis(url);
  const seen = arrivals();
  const processing = `${key}:processing`;
  let popping = true;
  let removing: Promise<unknown> = Promise.resolve();
  const consume = (async () => {
    while (popping) {
      const first = await consumer.blmove(key, processing, 'RIGHT', 'LEFT', 1);
      if (first === null) continue;
      // Concurrent like sluice's engine (32 handlers): up to 31 more moved in the same round trip.
      const got = [first];
      const more = consumer.pipeline();
      for (let i = 1; i < RAW_CONSUMER_BATCH; i++) more.lmove(key, processing, 'RIGHT', 'LEFT');
      for (const [, v] of (await more.exec()) ?? []) if (typeof v === 'string') got.push(v);
      for (const g of got) seen.arrive((JSON.parse(g) as { id: string }).id);
      // Done: removed from the processing list, pipelined with the next move.
      const rem = consumer.pipeline();
      for (const g of got) rem.lrem(processing, 1, g);
      removing = rem.exec();
    }
    await removing;
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
    await producer.del(key, processing);
    await producer.quit();
    await consumer.quit();
  }
}

/** Pipelined LPUSH with no consumer: the accept ceiling. */
export async function rawAcceptOnly(url: string, events: number): Promise<AcceptRun> {
  const key = `bench-raw-${randomUUID()}`;
  const producer = new Redis(url, { enableAutoPipelining: true });
  const body = payload.toString('base64');
  try {
    return await acceptOnly(events, (i) => producer.lpush(key, JSON.stringify({ id: `s${i}`, body })));
  } finally {
    await producer.del(key);
    await producer.quit();
  }
}
