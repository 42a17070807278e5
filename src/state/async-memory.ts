// In-process async queue: the embedded default and the store for engine unit tests. Not durable:
// events live only as long as the process (the Redis store is the durable one). Due events sit in a
// min-heap so a claim costs O(k log n) even with a large backlog.
import type { AsyncAttemptState, AsyncEvent, AsyncQueue, ClaimedAsyncEvent } from '../ports/async-queue.js';

interface Entry {
  event: AsyncEvent;
  claim?: { owner: string; deadlineMs: number };
  /** Bumped on every (re)schedule; heap nodes with an older version are stale and skipped. */
  version: number;
}

interface Node {
  dueAtMs: number;
  seq: number;
  id: string;
  version: number;
}

const before = (a: Node, b: Node): boolean => a.dueAtMs < b.dueAtMs || (a.dueAtMs === b.dueAtMs && a.seq < b.seq);

class MinHeap {
  private readonly nodes: Node[] = [];
  get size(): number {
    return this.nodes.length;
  }
  peek(): Node | undefined {
    return this.nodes[0];
  }
  push(node: Node): void {
    const a = this.nodes;
    a.push(node);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Node | undefined {
    const a = this.nodes;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function createMemoryAsyncQueue(): AsyncQueue {
  const entries = new Map<string, Entry>();
  const due = new MinHeap();
  let seq = 0;

  function schedule(entry: Entry): void {
    entry.version++;
    due.push({ dueAtMs: entry.event.dueAtMs, seq: seq++, id: entry.event.id, version: entry.version });
  }

  function held(id: string, owner: string): Entry | undefined {
    const entry = entries.get(id);
    return entry?.claim?.owner === owner ? entry : undefined;
  }

  return {
    enqueue(event) {
      // A repeated id is the same request: keep the first copy and its progress.
      if (!entries.has(event.id)) {
        const entry: Entry = { event: { ...event }, version: 0 };
        entries.set(event.id, entry);
        schedule(entry);
      }
      return Promise.resolve();
    },

    claim(owner, max, nowMs, claimTtlMs) {
      const deadlineMs = nowMs + claimTtlMs;
      const out: ClaimedAsyncEvent[] = [];
      while (out.length < max) {
        const top = due.peek();
        if (!top || top.dueAtMs > nowMs) break;
        due.pop();
        const entry = entries.get(top.id);
        if (!entry || entry.claim || entry.version !== top.version) continue; // stale node
        entry.claim = { owner, deadlineMs };
        out.push({ ...entry.event, claimDeadlineMs: deadlineMs });
      }
      return Promise.resolve(out);
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
      const { attempts, throttleRetries, lastResponse, lastError, deliver } = state;
      entry.event = { ...entry.event, attempts, throttleRetries, lastResponse, lastError, deliver, dueAtMs };
      delete entry.claim;
      schedule(entry);
      return Promise.resolve(true);
    },

    recoverExpiredClaims(nowMs) {
      let n = 0;
      for (const entry of entries.values()) {
        if (entry.claim && entry.claim.deadlineMs <= nowMs) {
          delete entry.claim;
          entry.event.dueAtMs = Math.min(entry.event.dueAtMs, nowMs);
          schedule(entry);
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
