// Adopting positions stored under a mapping's former position-based UUID (unit level, memory state store; the
// Redis, Kafka and Redis Streams cases run on real servers in test/integration/app/mapping-identity-upgrade.test.ts).
import { describe, expect, it } from 'vitest';
import { adoptLegacyCheckpoints, consumerGroupToUse } from '../../../src/app/mapping-identity.js';
import type { CompiledMapping } from '../../../src/config/compile.js';
import type { ConnectorContext, ConnectorDefinition, StreamSourceOptions } from '../../../src/ports/connector.js';
import type { StreamSource } from '../../../src/ports/sources.js';
import { MemoryStateStore } from '../../../src/state/memory.js';
import { silentLogger } from '../core/esm/queue-test-kit.js';

const mapping = (o: Partial<CompiledMapping>) =>
  ({ uuid: 'new', eventSourceArn: 'kafka://t', ...o }) as CompiledMapping;
const source = {
  listShards: () =>
    Promise.resolve([
      { id: 's1', parentIds: [] },
      { id: 's2', parentIds: [] },
    ]),
};
const adopt = (m: CompiledMapping, state: MemoryStateStore) =>
  adoptLegacyCheckpoints(m, source as unknown as StreamSource, state.checkpoints, ['$latest-start'], silentLogger);

describe('adoptLegacyCheckpoints', () => {
  it('copies the checkpoints, finished shards and LATEST start of the first former UUID that has any', async () => {
    const state = new MemoryStateStore();
    await state.checkpoints.set('old-1', 's1', '42');
    await state.checkpoints.markFinished('old-1', 's2');
    await state.checkpoints.set('old-1', '$latest-start', '1700000000000');
    await state.checkpoints.set('old-2', 's1', '99');
    await adopt(mapping({ legacyUuids: ['old-0', 'old-1', 'old-2'] }), state);
    expect(await state.checkpoints.get('new', 's1')).toBe('42');
    expect(await state.checkpoints.isFinished('new', 's2')).toBe(true);
    expect(await state.checkpoints.get('new', '$latest-start')).toBe('1700000000000');
  });

  it('leaves a mapping alone that has positions under its own UUID, or an explicit UUID', async () => {
    const state = new MemoryStateStore();
    await state.checkpoints.set('old', 's1', '42');
    await state.checkpoints.set('new', 's2', '7');
    await adopt(mapping({ legacyUuids: ['old'] }), state);
    expect(await state.checkpoints.get('new', 's1')).toBeUndefined();
    await adopt(mapping({ uuid: 'explicit', legacyUuids: undefined }), state);
    expect(await state.checkpoints.get('explicit', 's1')).toBeUndefined();
  });
});

describe('consumerGroupToUse', () => {
  const ctx = {} as ConnectorContext;
  const options: StreamSourceOptions = {
    mappingId: 'new',
    startingPosition: { type: 'LATEST' },
    consumerGroupId: 'new',
  };
  const connector = (withPositions: string[]): ConnectorDefinition => ({
    kind: 'fake',
    matches: () => true,
    findStoredPositions: (_a, _o, groups) => Promise.resolve(groups.find((g) => withPositions.includes(g))),
  });

  it("KAF-5 keeps the former default group when it holds offsets and the mapping's own has none", async () => {
    const m = mapping({ legacyConsumerGroups: ['old-0', 'old-1'] });
    expect(await consumerGroupToUse(m, connector(['old-1']), options, ctx, silentLogger)).toBe('old-1');
    expect(await consumerGroupToUse(m, connector(['new', 'old-1']), options, ctx, silentLogger)).toBe('new');
    expect(await consumerGroupToUse(m, connector([]), options, ctx, silentLogger)).toBe('new');
    // An explicit group or UUID never moved: nothing is looked up.
    expect(await consumerGroupToUse(mapping({}), connector(['old-1']), options, ctx, silentLogger)).toBe('new');
  });
});
