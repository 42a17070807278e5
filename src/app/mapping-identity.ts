// Upgrading from position-based mapping UUIDs (src/config/mapping-identity.ts) without losing positions: a mapping
// with nothing stored under its identity takes over what an older version stored under its positional UUID —
// checkpoints in the state store are copied; a consumer group holding offsets or pending entries is kept.
import type { CompiledMapping } from '../config/compile.js';
import type { ConnectorContext, ConnectorDefinition, StreamSourceOptions } from '../ports/connector.js';
import type { Logger } from '../ports/logger.js';
import type { StreamSource } from '../ports/sources.js';
import type { CheckpointStore } from '../ports/state.js';

/**
 * Sources with consumer groups (e.g. Kafka, Redis Streams): the consumer group to read with. The mapping's own unless that holds no positions and the
 * default group of a former UUID does: then that one, for good (the positions live in it).
 */
export async function consumerGroupToUse(
  m: CompiledMapping,
  connector: ConnectorDefinition,
  options: StreamSourceOptions,
  ctx: ConnectorContext,
  logger: Logger,
): Promise<string | undefined> {
  const own = options.consumerGroupId;
  const legacy = m.legacyConsumerGroups;
  if (own === undefined || legacy === undefined || connector.findStoredPositions === undefined) return own;
  const found = await connector.findStoredPositions(m.eventSourceArn, options, [own, ...legacy], ctx);
  if (found === undefined || found === own) return own;
  logger.info(
    { consumerGroupId: found },
    'keeping the consumer group of the former position-based mapping UUID: it holds the positions',
  );
  return found;
}

/**
 * Sources whose positions live in the state store: with no checkpoint under the mapping's UUID, copy those a former
 * positional UUID left (shard checkpoints, finished shards and `extraKeys` such as the LATEST start time).
 */
export async function adoptLegacyCheckpoints(
  m: CompiledMapping,
  source: StreamSource,
  checkpoints: CheckpointStore,
  extraKeys: readonly string[],
  logger: Logger,
): Promise<void> {
  if (m.legacyUuids === undefined) return;
  const shards = (await source.listShards()).map((s) => s.id);
  const stored = async (id: string) => {
    const positions = new Map<string, string>();
    const finished: string[] = [];
    for (const key of [...shards, ...extraKeys]) {
      const p = await checkpoints.get(id, key);
      if (p !== undefined) positions.set(key, p);
    }
    for (const shard of shards) if (await checkpoints.isFinished(id, shard)) finished.push(shard);
    return positions.size + finished.length > 0 ? { positions, finished } : undefined;
  };
  if ((await stored(m.uuid)) !== undefined) return;
  for (const legacy of m.legacyUuids) {
    const found = await stored(legacy);
    if (found === undefined) continue;
    for (const [key, position] of found.positions) await checkpoints.set(m.uuid, key, position);
    for (const shard of found.finished) await checkpoints.markFinished(m.uuid, shard);
    logger.info(
      { formerUuid: legacy, shards: found.positions.size + found.finished.length },
      'adopted the checkpoints stored under the former position-based mapping UUID',
    );
    return;
  }
}
