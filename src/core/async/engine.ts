// The async invocation scheduler: claims due events from the shared queue (never more than it can run),
// runs each attempt, heartbeats its claims, recovers claims of crashed processes and reports the gauges.
import { LambdaApiError } from '../../ports/errors.js';
import type { ClaimedAsyncEvent } from '../../ports/async-queue.js';
import { settleWithin, Waker } from '../wait/wait.js';
import { createDeliverer } from './delivery.js';
import { ASYNC_METRICS } from './metric-names.js';
import { processEvent, stateOf, type ProcessContext } from './process-event.js';
import { DEFAULT_RETRY_DELAYS_MS, DEFAULT_THROTTLE_BASE_MS, DEFAULT_THROTTLE_MAX_MS } from './retry-policy.js';
import type { AsyncEngine, AsyncEngineDeps } from './types.js';

const DEFAULTS = {
  concurrency: 32,
  claimTtlMs: 60_000,
  pollIntervalMs: 250,
  housekeepingIntervalMs: 5_000,
  /** Destination retries: 1 s doubling to 30 s, so a recovered destination is used again within half a minute. */
  deliveryBackoff: { baseMs: 1_000, maxMs: 30_000 },
  maxPayloadBytes: 1_048_576,
};
const ERROR_BACKOFF_MS = 1_000;

export function createAsyncEngine(deps: AsyncEngineDeps): AsyncEngine {
  const opts = deps.options ?? {};
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULTS.concurrency);
  const claimTtlMs = opts.claimTtlMs ?? DEFAULTS.claimTtlMs;
  const pollIntervalMs = opts.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
  const housekeepingIntervalMs = opts.housekeepingIntervalMs ?? DEFAULTS.housekeepingIntervalMs;
  const maxPayloadBytes = opts.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  const { queue, clock, metrics, owner } = deps;
  const logger = deps.logger.child({ component: 'async' });

  const ctx: ProcessContext = {
    queue,
    invoker: deps.invoker,
    functions: deps.functions,
    deliverer: createDeliverer({
      destinations: deps.destinations,
      metrics,
      logger,
      clock,
      backoff: opts.deliveryBackoff ?? DEFAULTS.deliveryBackoff,
    }),
    metrics,
    clock,
    logger,
    owner,
    retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    throttleBaseDelayMs: opts.throttleBaseDelayMs ?? DEFAULT_THROTTLE_BASE_MS,
    throttleMaxDelayMs: opts.throttleMaxDelayMs ?? DEFAULT_THROTTLE_MAX_MS,
  };

  const inFlight = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let loop: Promise<void> | undefined;
  let stopping = false;
  /** A wake-up that arrives while the loop is busy is not lost: the next idle wait returns at once. */
  const waker = new Waker();
  let lastHousekeeping = Number.NEGATIVE_INFINITY;
  let lastHeartbeat = Number.NEGATIVE_INFINITY;

  function notify(): void {
    waker.notify();
  }

  function run(event: ClaimedAsyncEvent): Promise<void> {
    const task = processEvent(ctx, event, abort.signal)
      .catch(async (err: unknown) => {
        if (abort.signal.aborted) {
          // Shutdown interrupted the attempt: hand it back unchanged so it runs again without using the budget.
          await queue.reschedule(event.id, owner, clock.now(), stateOf(event)).catch(() => undefined);
          return;
        }
        // A store error: the claim expires and another pass (or process) retries the attempt.
        logger.error({ err, requestId: event.id, function: event.functionName }, 'async attempt failed');
      })
      .finally(() => {
        inFlight.delete(event.id);
        notify();
      });
    inFlight.set(event.id, task);
    return task;
  }

  async function housekeeping(now: number): Promise<void> {
    if (now - lastHeartbeat >= claimTtlMs / 3 && inFlight.size > 0) {
      lastHeartbeat = now;
      const lost = await queue.extendClaims(owner, [...inFlight.keys()], now + claimTtlMs);
      if (lost.length > 0) logger.warn({ requestIds: lost }, 'async claims expired while running; duplicates possible');
    }
    if (now - lastHousekeeping >= housekeepingIntervalMs) {
      lastHousekeeping = now;
      const recovered = await queue.recoverExpiredClaims(now);
      if (recovered > 0) logger.warn({ recovered }, 'recovered async events from expired claims');
      metrics.set(ASYNC_METRICS.queueDepth, {}, await queue.depth());
      metrics.set(ASYNC_METRICS.oldestAge, {}, (await queue.oldestAgeMs(now)) / 1000);
    }
  }

  /** Claim as many due events as there are free slots and start them; returns how many. */
  async function fill(): Promise<{ claimed: number; free: number }> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return { claimed: 0, free };
    const events = await queue.claim(owner, free, clock.now(), claimTtlMs);
    // An expired claim this process recovered while still running the attempt: the running copy finishes it.
    for (const event of events) if (!inFlight.has(event.id)) void run(event);
    return { claimed: events.length, free };
  }

  async function mainLoop(): Promise<void> {
    while (!stopping) {
      try {
        await housekeeping(clock.now());
        const { claimed, free } = await fill();
        // A full claim means more may be due: go again at once (never idle while work waits).
        if (claimed > 0 && claimed === free) continue;
        await waker.wait(clock, pollIntervalMs);
      } catch (err) {
        logger.error({ err }, 'async queue unavailable; retrying');
        waker.clear(); // a finishing attempt must not turn the back-off into a tight loop
        await waker.wait(clock, ERROR_BACKOFF_MS);
      }
    }
  }

  return {
    async submit(functionName, payload, requestId, qualifier = '$LATEST', traceHeader) {
      if (payload.length > maxPayloadBytes) {
        throw new LambdaApiError(
          'RequestTooLargeException',
          413,
          `Request must be smaller than ${maxPayloadBytes} bytes for the InvokeFunction operation`,
        );
      }
      const now = clock.now();
      await queue.enqueue({
        id: requestId,
        functionName,
        qualifier,
        payload: payload.toString('base64'),
        enqueuedAtMs: now,
        dueAtMs: now,
        attempts: 0,
        throttleRetries: 0,
        ...(traceHeader === undefined ? {} : { traceHeader }),
      });
      metrics.inc(ASYNC_METRICS.received, { function: functionName });
      notify();
    },

    start() {
      if (loop) return;
      loop = mainLoop();
    },

    async stop(graceMs) {
      stopping = true;
      notify();
      await loop;
      if (inFlight.size > 0)
        await settleWithin(clock, Promise.allSettled([...inFlight.values()]), graceMs, () => abort.abort());
      abort.abort();
      await Promise.allSettled([...inFlight.values()]);
    },

    async runOnce() {
      const now = clock.now();
      await queue.recoverExpiredClaims(now);
      const events = await queue.claim(owner, concurrency - inFlight.size, now, claimTtlMs);
      await Promise.all(events.filter((e) => !inFlight.has(e.id)).map(run));
      metrics.set(ASYNC_METRICS.queueDepth, {}, await queue.depth());
      metrics.set(ASYNC_METRICS.oldestAge, {}, (await queue.oldestAgeMs(clock.now())) / 1000);
      return events.length;
    },
  };
}
