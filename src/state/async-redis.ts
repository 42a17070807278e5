// Durable async queue in Redis, shared by every sluice process (DESIGN "Scaling out").
//
// Layout under one hash tag: ready (list of fresh submits, newest at the head: an accept is one list push),
// events (hash id → immutable event JSON), state (hash id → attempt state JSON), due (zset id → due time),
// claims (zset id → claim deadline), owners (hash id → owner), enq (zset id → enqueue time, for the oldest-age
// gauge). Claiming moves a ready element into the others; every step but the push is one Lua script
// (async-redis-scripts, which also says how a repeated id is deduplicated).
//
// Why not BullMQ: it has delayed jobs, a stable job id across attempts, custom backoff and
// moveToDelayed + DelayedError for retries that do not count as attempts, so it could carry the rules.
// But its Worker owns the timing (Date.now(), its own lock renewal and stalled-job checker, which fails a
// job after maxStalledCount stalls instead of always recovering it), so the engine could neither run on
// the injected clock shared with the memory store nor keep the pull-with-bound `claim(max)` contract;
// the manual-processing API would still need tokens and lock bookkeeping in our code. Six short scripts
// over four keys are less to trust than adapting that lifecycle, so the queue is hand-written.
//
// Durability: enqueue resolves once Redis has executed the write of its batch. Surviving a Redis restart needs
// Redis persistence (appendonly yes, appendfsync everysec/always) — a deployment setting.
import { Redis, type ChainableCommander } from 'ioredis';
import type { AsyncAttemptState, AsyncEvent, AsyncQueue, ClaimedAsyncEvent } from '../ports/async-queue.js';
import { quitWithin } from '../ports/quit.js';
import { STATE_COMMAND_TIMEOUT_MS } from './redis.js';
import { CLAIM, COMPLETE, ENQUEUE, EXTEND, RECOVER, RESCHEDULE } from './async-redis-scripts.js';
import { tickBatcher } from './tick-batch.js';

export interface RedisAsyncQueueOptions {
  /** redis:// URL; ignored when `client` is given. */
  url?: string;
  /** An existing connection, also used for submits; the caller keeps ownership (close() does not quit it). */
  client?: Redis;
  /** Key prefix; wrapped in a hash tag. Default `sluice:async`. */
  prefix?: string;
  /** Default STATE_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs?: number;
}

type ImmutablePart = Pick<AsyncEvent, 'id' | 'functionName' | 'qualifier' | 'payload' | 'enqueuedAtMs' | 'traceHeader'>;

const RECOVER_BATCH = 1000;
/** Per script call: bounded so one call never holds Redis (single-threaded) for long. */
const ENQUEUE_BATCH = { maxItems: 256, maxBytes: 4 * 1024 * 1024 };
const CLAIM_BATCH = 1000;
const COMPLETE_BATCH = { maxItems: 512, maxBytes: Number.POSITIVE_INFINITY, bytes: () => 0 };

interface Submit {
  id: string;
  event: string;
  /** Undefined for a fresh submit: it goes onto the ready list. */
  state: string | undefined;
  dueAtMs: number;
  enqueuedAtMs: number;
}

/** A fresh submit: due when enqueued and no attempt yet (what engine.submit writes). */
function isFresh(e: AsyncEvent): boolean {
  return (
    e.dueAtMs <= e.enqueuedAtMs &&
    e.attempts === 0 &&
    e.throttleRetries === 0 &&
    e.lastResponse === undefined &&
    e.lastError === undefined &&
    e.deliver === undefined
  );
}

/** The ready-list element (layout in async-redis-scripts); byte length, since Lua counts bytes. */
function readyElement(s: Submit): string {
  return `${s.enqueuedAtMs} ${Buffer.byteLength(s.id)} ${s.id}${s.event}`;
}

/** The replies of a MULTI of two reads; the first error is thrown. */
async function both(multi: ChainableCommander): Promise<[unknown, unknown]> {
  const replies = (await multi.exec()) ?? [];
  for (const [err] of replies) if (err) throw err;
  return [replies[0]?.[1], replies[1]?.[1]];
}

/** Enqueue time of a ready-list element. */
function readyEnqueuedAt(element: string): number {
  return Number(element.slice(0, element.indexOf(' ')));
}

function stateJson(s: AsyncAttemptState): string {
  const { attempts, throttleRetries, lastResponse, lastError, deliver } = s;
  return JSON.stringify({ attempts, throttleRetries, lastResponse, lastError, deliver });
}

export function createRedisAsyncQueue(options: RedisAsyncQueueOptions): AsyncQueue {
  const owned = options.client === undefined;
  // ioredis' default per-command retry limit and a command timeout: while Redis is down or does not answer,
  // enqueue fails (the API answers 5xx) and the engine loop logs and backs off, instead of both hanging.
  const connect = (): Redis => {
    const r = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      commandTimeout: options.commandTimeoutMs ?? STATE_COMMAND_TIMEOUT_MS,
    });
    r.on('error', () => undefined);
    return r;
  };
  const redis = options.client ?? connect();
  const submitRedis = options.client ?? connect();
  const tag = `{${options.prefix ?? 'sluice:async'}}`;
  const keys = ['events', 'state', 'due', 'claims', 'owners', 'enq', 'ready'].map((k) => `${tag}:${k}`);
  const readyKey = keys[6]!;
  const scripts = { ENQUEUE, CLAIM, EXTEND, COMPLETE, RESCHEDULE, RECOVER };
  for (const r of new Set([redis, submitRedis])) {
    for (const [name, lua] of Object.entries(scripts)) {
      if (!(`sluice_async_${name}` in r)) r.defineCommand(`sluice_async_${name}`, { numberOfKeys: keys.length, lua });
    }
  }
  const callOn = (r: Redis, name: keyof typeof scripts, ...args: Array<string | number>): Promise<unknown> =>
    (r as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[`sluice_async_${name}`]!(
      ...keys,
      ...args,
    );
  const call = (name: keyof typeof scripts, ...args: Array<string | number>): Promise<unknown> =>
    callOn(redis, name, ...args);

  const submits = tickBatcher<Submit, void>(
    async (batch) => {
      const fresh: string[] = [];
      const other: Array<string | number> = [];
      for (const s of batch) {
        if (s.state === undefined) fresh.push(readyElement(s));
        else other.push(s.id, s.event, s.state, s.dueAtMs, s.enqueuedAtMs);
      }
      // Oldest first in the batch = pushed first = nearer the tail, where CLAIM takes from.
      await Promise.all([
        fresh.length > 0 ? submitRedis.lpush(readyKey, ...fresh) : undefined,
        other.length > 0 ? callOn(submitRedis, 'ENQUEUE', ...other) : undefined,
      ]);
      return batch.map(() => undefined);
    },
    { ...ENQUEUE_BATCH, bytes: (s) => s.event.length },
  );
  const completions = tickBatcher<{ id: string; owner: string }, boolean>(async (batch) => {
    const done = (await call('COMPLETE', ...batch.flatMap((c) => [c.id, c.owner]))) as number[];
    return done.map((d) => d === 1);
  }, COMPLETE_BATCH);

  return {
    enqueue(event) {
      const immutable: ImmutablePart = {
        id: event.id,
        functionName: event.functionName,
        qualifier: event.qualifier,
        payload: event.payload,
        enqueuedAtMs: event.enqueuedAtMs,
        traceHeader: event.traceHeader,
      };
      return submits.add({
        id: event.id,
        event: JSON.stringify(immutable),
        state: isFresh(event) ? undefined : stateJson(event),
        dueAtMs: event.dueAtMs,
        enqueuedAtMs: event.enqueuedAtMs,
      });
    },

    async claim(owner, max, nowMs, claimTtlMs) {
      const deadline = nowMs + claimTtlMs;
      const out: ClaimedAsyncEvent[] = [];
      // Several script calls only past CLAIM_BATCH (Lua's unpack has a stack limit); stop when one comes up short.
      for (let want = Math.min(max, CLAIM_BATCH); want > 0; want = Math.min(max - out.length, CLAIM_BATCH)) {
        const flat = (await call('CLAIM', nowMs, want, deadline, owner)) as Array<string | number>;
        if (flat.length === 0) break;
        const dropped = flat.pop() as number;
        const got = flat as string[];
        for (let i = 0; i + 2 < got.length; i += 3) {
          const immutable = JSON.parse(got[i]!) as ImmutablePart;
          const state = JSON.parse(got[i + 1]!) as AsyncAttemptState;
          out.push({
            ...immutable,
            attempts: state.attempts ?? 0,
            throttleRetries: state.throttleRetries ?? 0,
            lastResponse: state.lastResponse,
            lastError: state.lastError,
            deliver: state.deliver,
            dueAtMs: Number(got[i + 2]),
            claimDeadlineMs: deadline,
          });
        }
        // Short (counting duplicates dropped): nothing more was due.
        if (got.length / 3 + dropped < want) break;
      }
      return out;
    },

    async extendClaims(owner, ids, deadlineMs) {
      if (ids.length === 0) return [];
      return (await call('EXTEND', deadlineMs, owner, ...ids)) as string[];
    },

    complete(id, owner) {
      return completions.add({ id, owner });
    },

    async reschedule(id, owner, dueAtMs, state) {
      return (await call('RESCHEDULE', id, owner, dueAtMs, stateJson(state))) === 1;
    },

    async recoverExpiredClaims(nowMs) {
      let total = 0;
      for (;;) {
        const n = (await call('RECOVER', nowMs, RECOVER_BATCH)) as number;
        total += n;
        if (n < RECOVER_BATCH) return total;
      }
    },

    // Both read in one MULTI, so an element a claim moves from the list to the hashes is counted once.
    async depth() {
      const [events, ready] = await both(redis.multi().hlen(keys[0]!).llen(readyKey));
      return (events as number) + (ready as number);
    },

    // The oldest of the claimed/delayed events (enq) and the ready list's tail (its oldest element).
    async oldestAgeMs(nowMs) {
      const [first, tail] = await both(redis.multi().zrange(keys[5]!, '0', '0', 'WITHSCORES').lindex(readyKey, -1));
      const times = (first as string[]).length < 2 ? [] : [Number((first as string[])[1])];
      const tailAt = typeof tail === 'string' ? readyEnqueuedAt(tail) : Number.NaN;
      if (Number.isFinite(tailAt)) times.push(tailAt); // not finite: empty, or an element the next claim drops
      return times.length === 0 ? 0 : Math.max(0, nowMs - Math.min(...times));
    },

    async close() {
      await Promise.all([submits.drain(), completions.drain()]);
      if (owned) await Promise.all([quitWithin(redis), quitWithin(submitRedis)]);
    },
  };
}
