// A consumer-group rebalance while a partition is stuck retrying (the failure modes of dapr/dapr#8796 and
// dapr/components-contrib#4580): a second member joins while partition 0's batch keeps failing. Nothing is lost,
// successes are repeated only as at-least-once redelivery allows, and the group settles (no ping-pong).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { committed, createTopicWith, produce, runMapping, stopAll, type KEvent } from './engine-kit.js';
import { until } from './helpers.js';

afterEach(stopAll);

describe('Kafka rebalance while a partition is retrying (real broker)', () => {
  it('KAF-12/KAF-5 a member joins while partition 0 is stuck: no record lost, no ping-pong, the stuck batch resumes', async () => {
    const topic = await createTopicWith(4);
    const group = randomUUID();
    const stuckTp = `${topic}-0`;
    const stuck = { on: true };
    const handled = new Map<string, number>();
    const script = (event: KEvent) => {
      if (stuck.on && Object.keys(event.records)[0] === stuckTp) return 'fail' as const;
      for (const r of Object.values(event.records).flat()) {
        const v = Buffer.from(r.value!, 'base64').toString();
        handled.set(v, (handled.get(v) ?? 0) + 1);
      }
      return undefined;
    };
    const send = (from: number, n: number) =>
      produce(
        topic,
        Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 4, value: String(from + i) })),
      );
    await send(0, 40);
    const a = await runMapping({
      topic,
      group,
      options: { batchSize: 5 },
      consumer: { sessionTimeoutMs: 6000 },
      script,
    });
    let aChanges = 0;
    a.source.onShardsChanged(() => aChanges++);
    // Partition 0 is retrying; the three others are done.
    await until(() =>
      Promise.resolve(a.calls.filter((c) => stuckTp in c.event.records).length >= 3 ? true : undefined),
    );
    await until(() => Promise.resolve(handled.size === 30 ? true : undefined));

    const b = await runMapping({
      topic,
      group,
      options: { batchSize: 5 },
      consumer: { sessionTimeoutMs: 6000 },
      script,
    });
    let bChanges = 0;
    b.source.onShardsChanged(() => bChanges++);
    const split = await until(async () => {
      const [x, y] = [await a.source.listShards(), await b.source.listShards()];
      return x.length + y.length === 4 && x.length > 0 && y.length > 0 ? { a: x.length, b: y.length } : undefined;
    });
    expect(split.a + split.b).toBe(4);
    await send(40, 40);
    await until(() => Promise.resolve(handled.size === 60 ? true : undefined));
    // Still stuck on partition 0 for longer than the session timeout: both members keep heartbeating and stay in
    // the group, and no further rebalance happens (an observation window, not a wait for something).
    const [aBefore, bBefore] = [aChanges, bChanges];
    await new Promise((r) => setTimeout(r, 7000));
    expect([aChanges, bChanges]).toEqual([aBefore, bBefore]);
    expect(aChanges + bChanges).toBeLessThanOrEqual(3);
    expect((await committed(group, topic)).get(0)).toBe(-1);

    stuck.on = false;
    await until(async () => {
      const offsets = await committed(group, topic);
      return [...offsets.values()].reduce((s, o) => s + Math.max(0, o), 0) === 80 ? true : undefined;
    });
    const lost = Array.from({ length: 80 }, (_, i) => String(i)).filter((v) => !handled.has(v));
    const duplicates = [...handled.values()].filter((n) => n > 1).length;
    console.log(`rebalance while retrying: 80 records, lost ${lost.length}, handled twice or more ${duplicates}`);
    expect(lost).toEqual([]);
    // Only a batch in flight during the rebalance may be handed out again (at least once).
    expect(duplicates).toBeLessThanOrEqual(10);
  });
});
