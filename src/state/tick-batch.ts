// Coalesces calls made in the same event-loop tick into batches: every call of one poll phase (all the
// HTTP requests Node read together, all the attempts that finished together) is flushed at setImmediate,
// so N concurrent calls cost ceil(N / maxItems) store round trips instead of N.
//
// Each batch is one store call; its promise settles every caller in it, with the batch's error if it
// fails (so a caller never hears success before the store acknowledged its own item).

export interface TickBatchLimits<I> {
  /** Items per store call at most. */
  maxItems: number;
  /** Bytes per store call at most (one item bigger than this goes alone). */
  maxBytes: number;
  bytes: (item: I) => number;
}

export interface TickBatcher<I, R> {
  add(item: I): Promise<R>;
  /** Flushes what is pending and waits for every batch sent so far. */
  drain(): Promise<void>;
}

interface Pending<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export function tickBatcher<I, R>(send: (items: I[]) => Promise<R[]>, limits: TickBatchLimits<I>): TickBatcher<I, R> {
  let pending: Array<Pending<I, R>> = [];
  let scheduled: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();

  function sendBatch(batch: Array<Pending<I, R>>): void {
    const sent = send(batch.map((p) => p.item)).then(
      (results) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  }

  function flush(): void {
    scheduled = undefined;
    const all = pending;
    pending = [];
    let batch: Array<Pending<I, R>> = [];
    let bytes = 0;
    for (const p of all) {
      const size = limits.bytes(p.item);
      if (batch.length > 0 && (batch.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
        sendBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(p);
      bytes += size;
    }
    if (batch.length > 0) sendBatch(batch);
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        scheduled ??= setImmediate(flush);
      });
    },
    async drain() {
      if (scheduled) {
        clearImmediate(scheduled);
        flush();
      }
      await Promise.allSettled([...inFlight]);
    },
  };
}
