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

/** getIterator's answer when the server has no iterator for the position yet (see the Kinesis AT_TIMESTAMP wait). */
export const NO_ITERATOR_YET = Symbol('no-iterator-yet');

/** No single source request may hang a shard: past this it is aborted, and the engine retries (reopens). */
export const SOURCE_REQUEST_TIMEOUT_MS = 30_000;

export interface IteratorApi {
  /** `signal` ends with the read, or after SOURCE_REQUEST_TIMEOUT_MS. */
  getIterator(from: StartPosition, signal: AbortSignal): Promise<string | undefined | typeof NO_ITERATOR_YET>;
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
  timeoutMs = SOURCE_REQUEST_TIMEOUT_MS,
): Promise<ShardReader> {
  let iterator: string | null | undefined;
  let opened = false;
  let lastPosition: string | undefined = from.type === 'AFTER' ? from.position : undefined;
  let ended = false;
  const bounded = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

  /** False while the server has no iterator for the position yet (the read is then empty). */
  const acquire = async (position: StartPosition, signal: AbortSignal): Promise<boolean> => {
    const got = await api.getIterator(position, bounded(signal));
    if (got === NO_ITERATOR_YET) return false;
    iterator = got;
    opened = true;
    ended = iterator === undefined || iterator === null;
    return true;
  };

  const restart = (signal: AbortSignal): Promise<boolean> =>
    acquire(lastPosition === undefined ? api.restartWithoutRecords : { type: 'AFTER', position: lastPosition }, signal);

  const page = async (limit: number, signal: AbortSignal): Promise<IteratorPage | undefined> => {
    try {
      return await api.getRecords(iterator as string, limit, bounded(signal));
    } catch (err) {
      if (!api.isExpired(err)) throw err;
      if (!(await restart(signal))) return undefined;
      return api.getRecords(iterator as string, limit, bounded(signal));
    }
  };

  // LATEST means "from when the reader opened", so the first iterator is asked for now, under a deadline only;
  // when the server has none yet, each read asks again under its own signal.
  await acquire(from, new AbortController().signal);
  const empty: ReadResult = { records: [], endOfShard: false };
  return {
    async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
      if (!opened && !(await acquire(from, signal))) return empty;
      if (ended) return { records: [], endOfShard: true, millisBehindLatest: 0 };
      const n = Math.max(1, Math.min(maxLimit, Math.floor(limit)));
      let result: IteratorPage | undefined;
      let empties = 0;
      do {
        result = await page(n, signal);
        if (result === undefined) return empty;
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
