// Bounds the execution environments of every pooled function (nodejs and Runtime API runtimes) together: their
// MemorySize sums to at most the budget (the host's memory is what runs out, not a count) and each function has at most its own cap.
// An invocation that finds no environment waits briefly in one FIFO queue, then is throttled (CON-5).
// When the budget is full, idle environments of other functions are reaped to make room, and under
// memory pressure every idle environment goes, however recently used.

export interface BudgetOptions {
  /** Sum of MemorySize (MB) of live environments; default 768, which fits a 1 GB container with the service. */
  memoryMb?: number;
  /** Environments per function; default 8. */
  perFunction?: number;
  /** How long an invocation waits for an environment before it is throttled; default 1000 ms. */
  queueTimeoutMs?: number;
  /** Idle environments are reaped at once while the host has less available memory than this; default 256 MB. */
  pressureFreeMb?: number;
  /** How often memory pressure is checked; default 1000 ms. */
  pressureCheckMs?: number;
  /** Available memory in bytes (tests inject one); default process.availableMemory(), cgroup-aware. */
  availableBytes?: () => number;
}

/** The part of a function's pool the budget drives; every call is synchronous. */
export interface BudgetMember<E> {
  /** Environments alive (busy, idle or starting). */
  readonly size: number;
  /** Environments still in their init phase (cold start). */
  readonly starting: number;
  readonly memorySizeMb: number;
  /** Takes the newest idle environment, if any. */
  takeIdle(): E | undefined;
  /** Starts a new environment (the budget has counted its memory). */
  spawn(): E;
  /** The oldest idle environment's idle-since time, if any. */
  oldestIdle(): number | undefined;
  /** Reaps the oldest idle environment; it calls release() for its memory. */
  reapOldestIdle(): void;
}

/** An environment for one invocation; `cold` when it was just started. */
export interface Grant<E> {
  env: E;
  cold: boolean;
}

interface Waiter {
  member: BudgetMember<unknown>;
  grant: (g: Grant<unknown> | undefined) => void;
  timer: NodeJS.Timeout;
  /** Past this (epoch ms), starting environments no longer extend the wait. */
  latest: number;
}

/** Lambda's init-phase limit: how long a waiter may wait on its function's cold starts. */
const COLD_START_WAIT_MS = 10_000;

export const DEFAULT_MEMORY_MB = 768;
export const DEFAULT_PER_FUNCTION = 8;

export class EnvironmentBudget {
  readonly memoryMb: number;
  readonly perFunction: number;
  readonly queueTimeoutMs: number;
  private usedMb = 0;
  private readonly members = new Set<BudgetMember<unknown>>();
  private readonly waiters: Waiter[] = [];
  private readonly pressureFreeBytes: number;
  private readonly availableBytes: () => number;
  private pressureTimer: NodeJS.Timeout | undefined;
  private readonly pressureCheckMs: number;
  private pumping = false;

  constructor(options: BudgetOptions = {}) {
    this.memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    this.perFunction = options.perFunction ?? DEFAULT_PER_FUNCTION;
    this.queueTimeoutMs = options.queueTimeoutMs ?? 1000;
    this.pressureFreeBytes = (options.pressureFreeMb ?? 256) * 1024 * 1024;
    this.availableBytes = options.availableBytes ?? (() => process.availableMemory());
    this.pressureCheckMs = options.pressureCheckMs ?? 1000;
  }

  /** MB of MemorySize held by live environments. */
  get used(): number {
    return this.usedMb;
  }

  /** Invocations waiting for an environment. */
  get queued(): number {
    return this.waiters.length;
  }

  join(member: BudgetMember<unknown>): void {
    this.members.add(member);
    if (this.pressureTimer) return;
    this.pressureTimer = setInterval(() => this.relievePressure(), this.pressureCheckMs);
    this.pressureTimer.unref();
  }

  leave(member: BudgetMember<unknown>): void {
    this.members.delete(member);
    for (const w of this.waiters.filter((x) => x.member === member)) this.drop(w);
    if (this.members.size > 0) return;
    clearInterval(this.pressureTimer);
    this.pressureTimer = undefined;
  }

  /**
   * An environment for one invocation of `member`: an idle one, a new one, or one that frees up within
   * the queue timeout; undefined means throttle.
   */
  acquire<E>(member: BudgetMember<E>, signal?: AbortSignal): Promise<Grant<E> | undefined> {
    const idle = member.takeIdle();
    if (idle !== undefined) return Promise.resolve({ env: idle, cold: false });
    return new Promise((resolve) => {
      // An aborted caller leaves the queue at once (its invocation answers as aborted).
      const onAbort = (): void => this.drop(waiter);
      const waiter: Waiter = {
        member,
        grant: (g) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(g as Grant<E> | undefined);
        },
        timer: setTimeout(() => this.expire(waiter), this.queueTimeoutMs),
        latest: Date.now() + this.queueTimeoutMs + COLD_START_WAIT_MS,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      // Served at once if it can be; earlier waiters go first, a newcomer never overtakes one that fits.
      this.pump();
      if (this.queueTimeoutMs <= 0 && this.waiters.includes(waiter)) this.drop(waiter);
    });
  }

  /** An environment went idle or memory came back: serve the queue in order. */
  pump(): void {
    if (this.pumping) return;
    this.guarded(() => {
      // Once a size did not fit (nothing idle left to reap), waiters needing as much are skipped cheaply;
      // a smaller function behind them may still fit.
      let noRoomFor = Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.waiters.length;) {
        const w = this.waiters[i]!;
        const grant = w.member.memorySizeMb >= noRoomFor ? undefined : this.tryGrant(w.member);
        if (grant === 'full') noRoomFor = w.member.memorySizeMb;
        if (grant === undefined || grant === 'full') {
          i++;
          continue;
        }
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.grant(grant);
      }
      return undefined;
    });
  }

  /** A live environment of `memorySizeMb` ended: its memory goes back. */
  release(memorySizeMb: number): void {
    this.usedMb -= memorySizeMb;
    this.pump();
  }

  // Reaping inside a grant releases memory, which would pump again: one pass at a time.
  private guarded<T>(fn: () => T): T {
    this.pumping = true;
    try {
      return fn();
    } finally {
      this.pumping = false;
    }
  }

  // undefined: this function is at its own cap; 'full': the budget is, with nothing idle to reap.
  private tryGrant<E>(member: BudgetMember<E>): Grant<E> | 'full' | undefined {
    const idle = member.takeIdle();
    if (idle !== undefined) return { env: idle, cold: false };
    if (member.size >= this.perFunction || member.memorySizeMb > this.memoryMb) return undefined;
    while (this.usedMb + member.memorySizeMb > this.memoryMb) {
      if (!this.reapOldestIdle()) return 'full';
    }
    this.usedMb += member.memorySizeMb;
    return { env: member.spawn(), cold: true };
  }

  private reapOldestIdle(): boolean {
    let oldest: BudgetMember<unknown> | undefined;
    let since = Number.POSITIVE_INFINITY;
    for (const m of this.members) {
      const t = m.oldestIdle();
      if (t !== undefined && t < since) [oldest, since] = [m, t];
    }
    oldest?.reapOldestIdle();
    return oldest !== undefined;
  }

  private relievePressure(): void {
    if (this.availableBytes() >= this.pressureFreeBytes) return;
    this.guarded(() => {
      while (this.reapOldestIdle());
    });
    this.pump();
  }

  // The queue timeout counts from when the function's environments are all up: while some are still
  // starting, one of them will soon be free, so a cold burst is served rather than throttled.
  private expire(w: Waiter): void {
    if (w.member.starting > 0 && Date.now() < w.latest) {
      w.timer = setTimeout(() => this.expire(w), this.queueTimeoutMs);
      return;
    }
    this.drop(w);
  }

  private drop(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    w.grant(undefined);
  }
}
