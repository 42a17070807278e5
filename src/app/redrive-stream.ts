// #21 redrive of a stream on-failure record (§3.7): the record names a shard and a sequence-number range, never
// the data, so the records are read back from the stream while it still retains them, by a reader of its own that
// neither checkpoints nor takes leases (sources that keep their own positions in a consumer group are refused).
import type { OffsetRange, StreamSource, StreamRecord, StartPosition } from '../ports/sources.js';
import type { StreamBatchInfo } from '../ports/stream-batch-info.js';

export type StreamFetch = { event: Buffer; count: number } | { gone: string };

/** Reads at most this many empty answers in a row before deciding the end of the range is not there. */
const EMPTY_READS = 5;
const READ_LIMIT = 100;
/** A range no longer than this (a failure record is one batch: at most 10,000 records). */
const MAX_RECORDS = 10_000;

function compare(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Starts a little before the first record's arrival when the record says it, else at the oldest record kept. */
function startOf(info: StreamBatchInfo): StartPosition {
  const ms = Date.parse(info.approximateArrivalOfFirstRecord);
  // Arrival times may have second precision (DynamoDB): a second earlier is safe either way.
  return Number.isFinite(ms) ? { type: 'AT_TIMESTAMP', timestampMs: ms - 1_000 } : { type: 'TRIM_HORIZON' };
}

export async function fetchStreamRange(
  source: StreamSource,
  info: StreamBatchInfo,
  signal: AbortSignal,
): Promise<StreamFetch> {
  if (source.positions !== 'engine')
    return { gone: `${source.kind} keeps its positions in a consumer group: reading a range back is not offered` };
  const shard = { id: info.shardId, parentIds: [] };
  const reader = await source.open(shard, startOf(info));
  const records: StreamRecord[] = [];
  let empty = 0;
  try {
    while (!signal.aborted && empty < EMPTY_READS && records.length < MAX_RECORDS) {
      const r = await reader.read(READ_LIMIT, signal);
      if (r.records.length === 0) empty++;
      else empty = 0;
      let past = false;
      for (const rec of r.records) {
        if (compare(rec.position, info.endSequenceNumber) > 0) past = true;
        else if (records.length > 0 || compare(rec.position, info.startSequenceNumber) >= 0) records.push(rec);
      }
      if (past || r.endOfShard || records.at(-1)?.position === info.endSequenceNumber) break;
      if (r.records.length === 0 && r.millisBehindLatest === 0) break;
    }
  } finally {
    await reader.close();
  }
  const first = records[0];
  if (first === undefined || first.position !== info.startSequenceNumber)
    return { gone: 'the records are no longer in the stream (past its retention, or the shard is gone)' };
  if (records.at(-1)?.position !== info.endSequenceNumber)
    return { gone: `only ${records.length} records up to ${records.at(-1)?.position ?? ''} are still in the stream` };
  // The connector assembles the event's JSON as the mapping's worker would.
  return { event: source.events.event(shard, records), count: records.length };
}

/**
 * The offset ranges of a failure record (Kafka) from the first of `sources` that reads them: such a source keeps its
 * positions in a consumer group, so it reads them through one of its own that never commits (StreamSource.readRanges).
 */
export async function fetchOffsetRanges(
  sources: readonly StreamSource[],
  ranges: OffsetRange[],
  signal: AbortSignal,
): Promise<StreamFetch> {
  for (const source of sources) {
    const read = await source.readRanges?.(ranges, signal);
    if (read === undefined) continue;
    if ('gone' in read) return read;
    const rejected = read.records.find((r) => r.rejected !== undefined);
    if (rejected) return { gone: `record ${rejected.position}: ${rejected.rejected!.reason}` };
    // The event as the mapping's worker builds it: the connector's JSON text, sent as is.
    const shard = { id: ranges[0]!.shardId, parentIds: [] };
    return { event: source.events.event(shard, read.records), count: read.records.length };
  }
  return { gone: 'no mapping of this sluice reads these shards' };
}
