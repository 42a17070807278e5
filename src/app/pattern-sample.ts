// Filter dry-run on live traffic (#21 item 4): reads a mapping's most recent records without acknowledging or
// moving anything and says which its current FilterCriteria and a proposed one match. The source is a fresh one,
// never the running mapping's: sources with their own positions read past their consumer group (`sample`), the
// others through `open` on a shard, which writes no checkpoint and takes no lease.
import { connectors, findConnector } from '../../connectors/index.js';
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import { RecordFilter, type FilterCriteria } from '../core/filter/index.js';
import { LambdaApiError } from '../ports/errors.js';
import type { ShardRecord, StreamSource } from '../ports/sources.js';
import { connectorContext, type MappingDeps } from './mappings.js';

/** At most this many records per request. */
export const MAX_SAMPLE = 500;
/** Reads per shard when a source cannot be read from its end (Kinesis, DynamoDB: from the trim horizon). */
const MAX_READS_PER_SHARD = 20;
const SAMPLE_DEADLINE_MS = 20_000;

export interface SampledRecord {
  shardId: string;
  position: string;
  arrivalTime: string;
  current: boolean;
  proposed?: boolean;
  record: Record<string, unknown>;
}

export interface PatternSample {
  mapping: string;
  eventSourceArn: string;
  current: FilterCriteria | null;
  proposed?: FilterCriteria;
  sampled: number;
  matches: { current: number; proposed?: number };
  records: SampledRecord[];
}

export async function samplePatterns(
  config: CompiledConfig,
  m: CompiledMapping,
  deps: MappingDeps,
  request: { sample: number; proposed?: FilterCriteria },
): Promise<PatternSample> {
  const connector = findConnector(connectors, m.eventSourceArn);
  if (m.shape === 'queue' || connector?.createStreamSource === undefined)
    throw new LambdaApiError(
      'ResourceConflictException',
      409,
      `${m.eventSourceArn} is a queue: a message can only be read by receiving it, which hides it from the mapping ` +
        'for its visibility timeout (or takes it off a RabbitMQ queue). Test patterns on recorded messages instead ' +
        '(sluice test-pattern --record-file / --event-file).',
    );
  const options = { maxFilters: config.maxFiltersPerMapping };
  const current: FilterCriteria | null =
    m.filterPatterns.length === 0 ? null : { Filters: m.filterPatterns.map((Pattern) => ({ Pattern })) };
  const currentFilter = RecordFilter.compile(current, m.filter, options);
  // Throws InvalidParameterValueException (400) naming the filter and path of the first error.
  const proposedFilter =
    request.proposed === undefined ? undefined : RecordFilter.compile(request.proposed, m.filter, options);

  const source = connector.createStreamSource(
    m.eventSourceArn,
    {
      mappingId: m.uuid,
      functionName: m.functionName,
      startingPosition: { type: 'TRIM_HORIZON' },
      consumerGroupId: m.consumerGroupId,
      settings: m.settings,
    },
    connectorContext(config, m, deps, deps.logger.child({ mapping: m.uuid, component: 'test-pattern' })),
  );
  const signal = AbortSignal.timeout(SAMPLE_DEADLINE_MS);
  let sampled: ShardRecord[];
  try {
    sampled = source.sample
      ? await source.sample(request.sample, signal)
      : await readEnds(source, request.sample, signal);
  } finally {
    await source.close();
  }
  // The newest `sample` records over all shards, oldest first.
  const records = sampled
    .sort((a, b) => a.record.arrivalMs - b.record.arrivalMs)
    .slice(-request.sample)
    .map(({ shardId, record: r }) => {
      // What the engine's filter sees (shard-worker): the decoded view where a schema registry decodes.
      const view = r.filterView ?? r.record;
      return {
        shardId,
        position: r.position,
        arrivalTime: new Date(r.arrivalMs).toISOString(),
        current: currentFilter.matches(view),
        ...(proposedFilter && { proposed: proposedFilter.matches(view) }),
        record: r.record,
      };
    });
  return {
    mapping: m.uuid,
    eventSourceArn: m.eventSourceArn,
    current,
    ...(request.proposed && { proposed: request.proposed }),
    sampled: records.length,
    matches: {
      current: records.filter((r) => r.current).length,
      ...(proposedFilter && { proposed: records.filter((r) => r.proposed).length }),
    },
    records,
  };
}

/** The last `limit` records of each shard within a bounded read from its trim horizon. */
async function readEnds(source: StreamSource, limit: number, signal: AbortSignal): Promise<ShardRecord[]> {
  const out: ShardRecord[] = [];
  for (const shard of await source.listShards()) {
    const reader = await source.open(shard, { type: 'TRIM_HORIZON' });
    const kept: ShardRecord[] = [];
    try {
      for (let i = 0; i < MAX_READS_PER_SHARD && !signal.aborted; i++) {
        const r = await reader.read(1000, signal);
        for (const record of r.records) kept.push({ shardId: shard.id, record });
        if (kept.length > limit) kept.splice(0, kept.length - limit);
        if (r.endOfShard || (r.records.length === 0 && (r.millisBehindLatest ?? 0) === 0)) break;
      }
    } finally {
      await reader.close();
    }
    out.push(...kept);
  }
  return out;
}
