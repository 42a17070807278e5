// Group offsets: coalesced commits (KAF-7) and the lag behind them (KAF-19).
// Coalesced offset commits: one OffsetCommit request in flight at a time, carrying every partition that
// got a new position meanwhile, so commits keep up under load without one request per batch.
import type { Admin, Consumer } from 'kafkajs';
import type { PartitionState } from './partition-state.js';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class OffsetCommitter {
  /** Commits asked for while one is in flight; sent together in the next OffsetCommit request. */
  private readonly pending = new Map<PartitionState, { offset: number; waiters: Waiter[] }>();
  private committing: Promise<void> | undefined;

  constructor(
    private readonly topic: string,
    /** Called before `st.committed` moves to `offset`. */
    private readonly onCommitted: (st: PartitionState, offset: number) => void,
  ) {}

  /** Resolves once `offset` (or a later one) of the partition is committed. */
  add(consumer: Consumer, st: PartitionState, offset: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending = this.pending.get(st);
      if (pending === undefined) this.pending.set(st, { offset, waiters: [{ resolve, reject }] });
      else {
        pending.offset = Math.max(pending.offset, offset);
        pending.waiters.push({ resolve, reject });
      }
      this.kick(consumer);
    });
  }

  /** Waits for the commit in flight (kafkajs drops commits once the consumer stopped). */
  async idle(): Promise<void> {
    await this.committing?.catch(() => undefined);
  }

  private kick(consumer: Consumer): void {
    if (this.committing !== undefined) return;
    this.committing = this.send(consumer).finally(() => {
      this.committing = undefined;
      // An add() may have queued between the loop's last check and here.
      if (this.pending.size > 0) this.kick(consumer);
    });
  }

  private async send(consumer: Consumer): Promise<void> {
    // Let add() calls made in the same tick join this request.
    await Promise.resolve();
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending.clear();
      const offsets = batch.map(([st, p]) => ({
        topic: this.topic,
        partition: st.partition,
        offset: String(p.offset),
      }));
      try {
        await consumer.commitOffsets(offsets);
      } catch (err) {
        for (const [, p] of batch) for (const w of p.waiters) w.reject(err);
        continue;
      }
      for (const [st, p] of batch) {
        this.onCommitted(st, p.offset);
        st.committed = Math.max(st.committed ?? 0, p.offset);
        for (const w of p.waiters) w.resolve();
      }
    }
  }
}

/** KAF-19: topic-level lag = latest offset minus the group's committed offset, summed and maxed over partitions. */
export async function offsetLag(
  admin: Admin,
  topic: string,
  groupId: string,
): Promise<{ sum: number; max: number; byPartition: Map<number, number> }> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let sum = 0;
  let max = 0;
  const byPartition = new Map<number, number>();
  for (const p of ends) {
    const c = done.get(p.partition) ?? -1;
    const lag = Math.max(0, Number(p.high) - (c >= 0 ? c : Number(p.low)));
    sum += lag;
    max = Math.max(max, lag);
    byPartition.set(p.partition, lag);
  }
  return { sum, max, byPartition };
}
