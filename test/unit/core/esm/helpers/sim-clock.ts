// A virtual clock for engine tests: time only moves when every task is waiting on a timer, then it jumps to the
// next timer. Runs are deterministic and take no real time.
import { setImmediate as tick } from 'node:timers/promises';
import type { Clock } from '../../../../../src/ports/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class SimClock implements Clock {
  t = Date.UTC(2026, 0, 1, 0, 0, 0);
  private timers: Timer[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Lets every ready promise chain run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await tick();
  }

  /** Advances virtual time timer by timer until `cond` holds; fails after `maxMs` of virtual time. */
  async runUntil(cond: () => boolean, maxMs = 3_600_000): Promise<void> {
    const limit = this.t + maxMs;
    let idle = 0;
    for (;;) {
      await this.settle();
      if (cond()) return;
      const next = this.timers.reduce<Timer | undefined>(
        (a, b) => (!a || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a),
        undefined,
      );
      if (!next) {
        if (++idle > 50) throw new Error('SimClock: nothing scheduled and the condition is still false');
        continue;
      }
      idle = 0;
      if (next.at > limit) throw new Error(`SimClock: condition still false after ${maxMs} ms of virtual time`);
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }

  /** Runs timers until `p` settles. */
  async drive<T>(p: Promise<T>, maxMs?: number): Promise<T> {
    let done = false;
    const watched = p.finally(() => {
      done = true;
    });
    await this.runUntil(() => done, maxMs);
    return watched;
  }

  /** Advances virtual time by `ms`, firing timers on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.runUntil(() => this.timers.every((x) => x.at > end), ms + 1);
    await this.settle();
    this.t = end;
  }
}
