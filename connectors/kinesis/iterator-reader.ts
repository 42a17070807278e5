// A ShardReader over a shard-iterator API (Kinesis GetRecords, DynamoDB Streams GetRecords): follows
// NextShardIterator, reports the end of a closed shard, and re-acquires an expired iterator AFTER the last
// record it returned, never from the mapping's StartingPosition (that would replay or skip records).
import type { ReadResult, ShardReader, StartPosition, StreamRecord } from '../../src/ports/sources.js';

export interface IteratorPage {
  records: StreamRecord[];
  /** Undefined or null once the shard is closed and fully read. */
  nextIterator: string | null | undefined;
  millisBehindLatest?: number;
}

export interface IteratorApi {
  getIterator(from: StartPosition, signal?: AbortSignal): Promise<string | undefined>;
  getRecords(iterator: string, limit: number, signal: AbortSignal): Promise<IteratorPage>;
  /** Whether an error means the iterator expired (5 minutes without use, or a stale token). */
  isExpired(err: unknown): boolean;
  /** Where to restart when an iterator expires before any record was returned (see LATEST in openReader). */
  restartWithoutRecords: StartPosition;
}

/** Empty pages in a row a read follows while the shard reports a backlog (Kinesis can return gaps). */
const EMPTY_PAGES_WHILE_BEHIND = 3;

export async function openIteratorReader(
  api: IteratorApi,
  from: StartPosition,
  maxLimit: number,
): Promise<ShardReader> {
  let iterator: string | null | undefined = await api.getIterator(from);
  let lastPosition: string | undefined = from.type === 'AFTER' ? from.position : undefined;
  let ended = iterator === undefined || iterator === null;

  const restart = async (signal: AbortSignal): Promise<void> => {
    const position: StartPosition =
      lastPosition === undefined ? api.restartWithoutRecords : { type: 'AFTER', position: lastPosition };
    iterator = await api.getIterator(position, signal);
  };

  const page = async (limit: number, signal: AbortSignal): Promise<IteratorPage> => {
    try {
      return await api.getRecords(iterator as string, limit, signal);
    } catch (err) {
      if (!api.isExpired(err)) throw err;
      await restart(signal);
      return api.getRecords(iterator as string, limit, signal);
    }
  };

  return {
    async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
      if (ended) return { records: [], endOfShard: true, millisBehindLatest: 0 };
      const n = Math.max(1, Math.min(maxLimit, Math.floor(limit)));
      let result: IteratorPage;
      let empties = 0;
      do {
        result = await page(n, signal);
        iterator = result.nextIterator;
        ended = iterator === undefined || iterator === null;
      } while (
        result.records.length === 0 &&
        !ended &&
        (result.millisBehindLatest ?? 0) > 0 &&
        ++empties < EMPTY_PAGES_WHILE_BEHIND &&
        !signal.aborted
      );
      const last = result.records.at(-1);
      if (last !== undefined) lastPosition = last.position;
      return { records: result.records, endOfShard: ended, millisBehindLatest: result.millisBehindLatest };
    },
    close: () => Promise.resolve(),
  };
}
