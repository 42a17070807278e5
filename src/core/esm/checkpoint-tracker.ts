// Which records of a shard are done, in read order. The checkpoint may only move to the last record of the
// longest done prefix: with lanes (D-2) records finish out of order, and a crash must give duplicates, not gaps.
// Ordinals are consecutive, so the entries are two arrays indexed by ordinal - base (#20: a Map entry and an
// object per record cost more than the rest of the bookkeeping). It keeps the records, not their position strings:
// a record may make its position only when asked (Kafka's packed records), and only a checkpoint asks.

/** What the tracker needs of a record. */
export interface Positioned {
  readonly position: string;
}

export class CheckpointTracker {
  /** Record and done flag of ordinal `base + i`; entries before `head` are past the checkpoint (and let go). */
  private records: Array<Positioned | undefined> = [];
  private done: boolean[] = [];
  private base = 0;
  private head = 0;
  private doneAhead = 0;

  /** Registers a record just read; returns its ordinal. */
  add(record: Positioned): number {
    this.records.push(record);
    this.done.push(false);
    return this.base + this.records.length - 1;
  }

  markDone(ordinal: number): void {
    const i = ordinal - this.base;
    if (i >= this.head && i < this.done.length && !this.done[i]) {
      this.done[i] = true;
      this.doneAhead++;
    }
  }

  /** Drops the done prefix and returns the position to checkpoint, if it moved. */
  advance(): string | undefined {
    let last: Positioned | undefined;
    while (this.head < this.done.length && this.done[this.head]) {
      last = this.records[this.head];
      this.records[this.head] = undefined;
      this.doneAhead--;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.done.length) {
      this.records = this.records.slice(this.head);
      this.done = this.done.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return last?.position;
  }

  /** Records read and not yet past the checkpoint. */
  get pending(): number {
    return this.done.length - this.head;
  }

  /** Records read and not finished yet (queued or in flight). */
  get unfinished(): number {
    return this.pending - this.doneAhead;
  }
}
