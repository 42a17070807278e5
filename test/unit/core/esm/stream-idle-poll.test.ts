// StreamSource.idlePollMs: sources whose read already waits for records (Kafka, Redis) are read again at once
// after an empty read, instead of sleeping the mapping's pollIntervalMs on top of that wait.
import { describe, expect, it } from 'vitest';
import { FakeStreamSource } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';
import { SimClock } from './helpers/sim-clock.js';

async function delayOfFirstRecordAfterIdle(idlePollMs: number | undefined): Promise<number> {
  const clock = new SimClock();
  const source = new FakeStreamSource(clock).addShard('shard-0');
  source.blockMs = 100;
  if (idlePollMs !== undefined) Object.defineProperty(source, 'idlePollMs', { value: idlePollMs });
  const h = harness({ pollIntervalMs: 1000 }, { clock, source });
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
});
