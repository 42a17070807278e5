// kafkajs sleeps maxWaitTime before its next fetch whenever every assigned partition is paused, and a resume during
// that sleep waits for it to end. Draining a backlog with a fast function, the buffers were often empty before the
// fetch went out (#20, Kafka 100 B: ~20 % of the time idle). So when a fetch fills the last partition with room, its
// eachBatch is held until some partition has room again, never longer than kafkajs would sleep: the next fetch then
// goes out as soon as there is room, and heartbeats and rebalances wait no longer than they did.
export class RoomWait {
  private waiters: Array<() => void> = [];

  /** Resolves at the next room() or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** A partition has room again (it was resumed). */
  room(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const done of waiters) done();
  }
}
