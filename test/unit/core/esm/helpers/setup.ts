import { createStreamMapping, type StreamMapping } from '../../../../../src/core/esm/stream-mapping.js';
import type { StreamMappingOptions } from '../../../../../src/core/esm/stream-options.js';
import type { RecordMatcher } from '../../../../../src/core/esm/shard-worker.js';
import { MemoryStateStore } from '../../../../../src/state/memory.js';
import {
  FakeDestination,
  FakeStreamSource,
  RecordingMetrics,
  ScriptedInvoker,
  silentLogger,
  streamOptions,
} from './fakes.js';
import { SimClock } from './sim-clock.js';

export interface Harness {
  clock: SimClock;
  source: FakeStreamSource;
  invoker: ScriptedInvoker;
  store: MemoryStateStore;
  metrics: RecordingMetrics;
  destination: FakeDestination;
  options: StreamMappingOptions;
  mapping: StreamMapping;
  checkpoint(shardId?: string): Promise<string | undefined>;
  stop(graceMs?: number): Promise<void>;
}

export function harness(
  overrides: Partial<StreamMappingOptions> & { withDestination?: boolean; filter?: RecordMatcher } = {},
  shared: { clock?: SimClock; source?: FakeStreamSource; store?: MemoryStateStore; leases?: boolean } = {},
): Harness {
  const { withDestination, filter, ...rest } = overrides;
  const clock = shared.clock ?? new SimClock();
  const source = shared.source ?? new FakeStreamSource(clock);
  if (!shared.source && source.shards.size === 0) source.addShard('shard-0');
  const invoker = new ScriptedInvoker(clock);
  const store = shared.store ?? new MemoryStateStore({ clock });
  const metrics = new RecordingMetrics();
  const destination = new FakeDestination();
  const options = streamOptions({ ...rest, ...(withDestination ? { onFailure: destination } : {}) });
  let n = 0;
  const mapping = createStreamMapping({
    source,
    invoker,
    checkpoints: store.checkpoints,
    leases: shared.leases ? store.leases : undefined,
    options,
    metrics,
    clock,
    logger: silentLogger,
    filter,
    random: () => 0.5,
    newId: () => `req-${++n}`,
  });
  return {
    clock,
    source,
    invoker,
    store,
    metrics,
    destination,
    options,
    mapping,
    checkpoint: (shardId = 'shard-0') => store.checkpoints.get(options.mappingId, shardId),
    stop: (graceMs = 0) => clock.drive(mapping.stop(graceMs)),
  };
}
