// Which records of a shard are done, in read order. The checkpoint may only move to the last record of the
// longest done prefix: with lanes (D-2) records finish out of order, and a crash must give duplicates, not gaps.
// Ordinals are consecutive, so the entries are two arrays indexed by ordinal - base (#20: a Map entry and an
// object per record cost more than the rest of the bookkeeping).

export class CheckpointTracker {
  /** Position and done flag of ordinal `base + i`; entries before `head` are past the checkpoint. */
  private positions: string[] = [];
  private done: boolean[] = [];
  private base = 0;
  private head = 0;
  private doneAhead = 0;

  /** Registers a record just read; returns its ordinal. */
  add(position: string): number {
    this.positions.push(position);
    this.done.push(false);
    return this.base + this.positions.length - 1;
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
    let position: string | undefined;
    while (this.head < this.done.length && this.done[this.head]) {
      position = this.positions[this.head];
      this.doneAhead--;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.done.length) {
      this.positions = this.positions.slice(this.head);
      this.done = this.done.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return position;
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
