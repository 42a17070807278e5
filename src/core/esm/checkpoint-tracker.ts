// Which records of a shard are done, in read order. The checkpoint may only move to the last record of the
// longest done prefix: with lanes (D-2) records finish out of order, and a crash must give duplicates, not gaps.

interface Entry {
  position: string;
  done: boolean;
}

export class CheckpointTracker {
  private readonly entries = new Map<number, Entry>();
  private head = 0;
  private next = 0;
  private doneAhead = 0;

  /** Registers a record just read; returns its ordinal. */
  add(position: string): number {
    const ordinal = this.next++;
    this.entries.set(ordinal, { position, done: false });
    return ordinal;
  }

  markDone(ordinal: number): void {
    const e = this.entries.get(ordinal);
    if (e && !e.done) {
      e.done = true;
      this.doneAhead++;
    }
  }

  /** Drops the done prefix and returns the position to checkpoint, if it moved. */
  advance(): string | undefined {
    let position: string | undefined;
    for (;;) {
      const e = this.entries.get(this.head);
      if (!e || !e.done) break;
      position = e.position;
      this.doneAhead--;
      this.entries.delete(this.head);
      this.head++;
    }
    return position;
  }

  /** Records read and not yet past the checkpoint. */
  get pending(): number {
    return this.entries.size;
  }

  /** Records read and not finished yet (queued or in flight). */
  get unfinished(): number {
    return this.entries.size - this.doneAhead;
  }
}
