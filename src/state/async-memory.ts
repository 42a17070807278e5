// In-process async queue: the embedded default and the store for engine unit tests. Not durable:
// events live only as long as the process (the Redis store is the durable one).
import type { AsyncAttemptState, AsyncEvent, AsyncQueue, ClaimedAsyncEvent } from '../ports/async-queue.js';

interface Entry {
  event: AsyncEvent;
  claim?: { owner: string; deadlineMs: number };
}

export function createMemoryAsyncQueue(): AsyncQueue {
  const entries = new Map<string, Entry>();

  function held(id: string, owner: string): Entry | undefined {
    const entry = entries.get(id);
    return entry?.claim?.owner === owner ? entry : undefined;
  }

  return {
    enqueue(event) {
      // A repeated id is the same request: keep the first copy and its progress.
      if (!entries.has(event.id)) entries.set(event.id, { event: { ...event } });
      return Promise.resolve();
    },

    claim(owner, max, nowMs, claimTtlMs) {
      const due = [...entries.values()]
        .filter((e) => !e.claim && e.event.dueAtMs <= nowMs)
        .sort((a, b) => a.event.dueAtMs - b.event.dueAtMs || a.event.enqueuedAtMs - b.event.enqueuedAtMs)
        .slice(0, Math.max(0, max));
      const deadlineMs = nowMs + claimTtlMs;
      return Promise.resolve(
        due.map((e): ClaimedAsyncEvent => {
          e.claim = { owner, deadlineMs };
          return { ...e.event, claimDeadlineMs: deadlineMs };
        }),
      );
    },

    extendClaims(owner, ids, deadlineMs) {
      const lost: string[] = [];
      for (const id of ids) {
        const entry = held(id, owner);
        if (entry?.claim) entry.claim.deadlineMs = deadlineMs;
        else lost.push(id);
      }
      return Promise.resolve(lost);
    },

    complete(id, owner) {
      if (!held(id, owner)) return Promise.resolve(false);
      entries.delete(id);
      return Promise.resolve(true);
    },

    reschedule(id, owner, dueAtMs, state: AsyncAttemptState) {
      const entry = held(id, owner);
      if (!entry) return Promise.resolve(false);
      const { attempts, throttleRetries, lastResponse, lastError } = state;
      entry.event = { ...entry.event, attempts, throttleRetries, lastResponse, lastError, dueAtMs };
      delete entry.claim;
      return Promise.resolve(true);
    },

    recoverExpiredClaims(nowMs) {
      let n = 0;
      for (const entry of entries.values()) {
        if (entry.claim && entry.claim.deadlineMs <= nowMs) {
          delete entry.claim;
          entry.event.dueAtMs = Math.min(entry.event.dueAtMs, nowMs);
          n++;
        }
      }
      return Promise.resolve(n);
    },

    depth() {
      return Promise.resolve(entries.size);
    },

    oldestAgeMs(nowMs) {
      let oldest = Number.POSITIVE_INFINITY;
      for (const entry of entries.values()) oldest = Math.min(oldest, entry.event.enqueuedAtMs);
      return Promise.resolve(entries.size === 0 ? 0 : Math.max(0, nowMs - oldest));
    },

    close() {
      return Promise.resolve();
    },
  };
}
