// Idle cadence after an empty read. StreamSource.idlePollMs: sources whose read already waits for records (Kafka,
// Redis) are read again at once, instead of sleeping the mapping's pollIntervalMs on top of that wait. Without a
// configured interval the source's own AWS cadence applies (STR-1, STR-3).
import { describe, expect, it } from 'vitest';
import { FakeStreamSource } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

async function delayOfFirstRecordAfterIdle(
  idlePollMs: number | undefined,
  cadence: { configured?: number; sourceDefault?: number } = { configured: 1000 },
): Promise<number> {
  const clock = new SimClock();
  const source = new FakeStreamSource(clock).addShard('shard-0');
  source.blockMs = 100;
  if (idlePollMs !== undefined) Object.defineProperty(source, 'idlePollMs', { value: idlePollMs });
  if (cadence.sourceDefault !== undefined)
    Object.defineProperty(source, 'defaultPollIntervalMs', { value: cadence.sourceDefault });
  const h = harness({ pollIntervalMs: cadence.configured }, { clock, source });
  await h.mapping.start();
  await clock.advance(350);
  const putAt = clock.now();
  source.put('shard-0', ['a']);
  await clock.runUntil(() => h.invoker.calls.length === 1);
  const delay = clock.now() - putAt;
  await h.stop();
  return delay;
}

describe('idle polling of long-polling sources', () => {
  it('STR-1 a source with idlePollMs 0 is read again right after an empty (already waited) read', async () => {
    expect(await delayOfFirstRecordAfterIdle(0)).toBeLessThanOrEqual(100);
  });

  it('STR-1 without it, the engine keeps the mapping poll interval after an empty read', async () => {
    expect(await delayOfFirstRecordAfterIdle(undefined)).toBeGreaterThan(500);
  });

  it("STR-3 with no configured interval an idle shard is polled at the source's cadence (DynamoDB: 4 per second)", async () => {
    // Read + 100 ms block every 250 ms: a record put while idle is invoked within one cadence, not a second later.
    expect(await delayOfFirstRecordAfterIdle(undefined, { sourceDefault: 250 })).toBeLessThanOrEqual(350);
    // A configured interval still wins (D-13).
    expect(await delayOfFirstRecordAfterIdle(undefined, { configured: 1000, sourceDefault: 250 })).toBeGreaterThan(500);
  });
});
