// Watches a mapping's broker-side position while a scenario runs: a Kafka group's committed offsets or a Redis
// consumer group's acknowledged entries must never cover a record the handler has not recorded yet (a commit
// past unprocessed records is a loss the next restart would make permanent). Sampled every 250 ms; errors
// while the broker is down are skipped. The handled log is read after the position, so a record handled
// before its commit is always seen.
import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import { readRecords } from './harness.js';

export interface CommitWatch {
  /** Stops sampling; returns the violations (empty when every committed record was handled first). */
  stop(): Promise<string[]>;
  samples(): number;
}

function watch(sample: (handled: () => Set<string>) => Promise<string[] | undefined>, log: string): CommitWatch {
  const violations = new Set<string>();
  let running = true;
  let samples = 0;
  const loop = (async () => {
    while (running) {
      const found = await sample(() => new Set(readRecords(log).map((h) => h.id))).catch(() => undefined);
      if (found !== undefined) samples++;
      for (const v of found ?? []) violations.add(v);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    samples: () => samples,
    stop: async () => {
      running = false;
      await loop;
      return [...violations];
    },
  };
}

/** `sent`: id → partition and offset, filled by the producer as the broker acknowledges. */
export function watchKafkaCommits(
  admin: Admin,
  groupId: string,
  topic: string,
  sent: Map<string, { partition: number; offset: number }>,
  log: string,
): CommitWatch {
  return watch(async (handledNow) => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const handled = handledNow();
    const out: string[] = [];
    for (const { partition, offset } of offsets?.partitions ?? []) {
      const committed = Number(offset);
      for (const [id, pos] of sent)
        if (pos.partition === partition && pos.offset < committed && !handled.has(id))
          out.push(`${id} (${topic}-${partition}@${pos.offset}) committed (${committed}) before it was handled`);
    }
    return out;
  }, log);
}

/** Compares Redis stream entry ids (`<ms>-<seq>`). */
export function compareEntryIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** `sent`: id → stream entry id. Acknowledged = delivered to the group (≤ last-delivered-id) and not pending. */
export function watchRedisAcks(client: Redis, key: string, sent: Map<string, string>, log: string): CommitWatch {
  return watch(async (handledNow) => {
    const groups = (await client.xinfo('GROUPS', key)) as unknown[][];
    const group = groups[0];
    if (group === undefined) return [];
    const field = (name: string) => group[group.indexOf(name) + 1];
    const name = String(field('name'));
    const lastDelivered = String(field('last-delivered-id'));
    const pending = (await client.xpending(key, name, '-', '+', 100_000)) as Array<[string, ...unknown[]]>;
    const pendingIds = new Set(pending.map((p) => p[0]));
    const handled = handledNow();
    const out: string[] = [];
    for (const [id, entry] of sent)
      if (compareEntryIds(entry, lastDelivered) <= 0 && !pendingIds.has(entry) && !handled.has(id))
        out.push(`${id} (entry ${entry}) acknowledged before it was handled`);
    return out;
  }, log);
}
