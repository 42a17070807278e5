// A ShardReader over a shard-iterator API (Kinesis GetRecords, DynamoDB Streams GetRecords): follows
// NextShardIterator, reports the end of a closed shard, and re-acquires an expired iterator AFTER the last
// record it returned, never from the mapping's StartingPosition (that would replay or skip records).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ReadResult, ShardReader, StartPosition, StreamRecord } from '../../src/ports/sources.js';

/**
 * One GetRecords answer. Its records are made when the reader takes them, after it has asked for the next page: the
 * conversion (DynamoDB, 1,000 records: ~3 ms of a ~45 ms round trip on DynamoDB Local) then overlaps that round trip
 * instead of delaying it.
 */
export interface IteratorPage {
  /** How many records the server returned. */
  count: number;
  /** The last one's position: where an expired iterator restarts. */
  lastPosition: string | undefined;
  /** Makes the records (called once). */
  records(): StreamRecord[];
  /** Undefined or null once the shard is closed and fully read. */
  nextIterator: string | null | undefined;
  millisBehindLatest?: number;
}

/**
 * A page of the server's records, each made into a StreamRecord by `make` when the reader takes them; `positionOf`
 * reads a server record's position (the last one's is the restart point) without converting it.
 */
export function pageOf<R>(
  page: readonly R[],
  positionOf: (r: R) => string | undefined,
  make: (r: R) => StreamRecord,
  nextIterator: string | null | undefined,
  millisBehindLatest?: number,
): IteratorPage {
  const last = page.at(-1);
  return {
    count: page.length,
    lastPosition: last === undefined ? undefined : positionOf(last),
    records: () => page.map(make),
    nextIterator,
    millisBehindLatest,
  };
}

/** A page whose records are already made. */
export const madePage = (
  records: StreamRecord[],
  nextIterator: string | null | undefined,
  millisBehindLatest?: number,
): IteratorPage =>
  pageOf(
    records,
    (r) => r.position,
    (r) => r,
    nextIterator,
    millisBehindLatest,
  );

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

  /** One page, following empty pages while the shard reports a backlog; undefined when there is no iterator yet. */
  const fetchPage = async (n: number, signal: AbortSignal): Promise<IteratorPage | undefined> => {
    let result: IteratorPage | undefined;
    let empties = 0;
    do {
      result = await page(n, signal);
      if (result === undefined) return undefined;
      iterator = result.nextIterator;
      ended = iterator === undefined || iterator === null;
    } while (
      result.count === 0 &&
      !ended &&
      (result.millisBehindLatest ?? 0) > 0 &&
      ++empties < EMPTY_PAGES_WHILE_BEHIND &&
      !signal.aborted
    );
    // The restart point of an expired iterator: records fetched are returned before anything read after them.
    if (result.lastPosition !== undefined) lastPosition = result.lastPosition;
    return result;
  };

  // One page ahead (#20): after a full page the next GetRecords goes out at once, so its round trip runs while the
  // engine converts and batches this one. A page that is not full means the shard has caught up: nothing is asked
  // until the engine reads again (its poll cadence; Kinesis allows 5 reads a second a shard). Fetched records wait
  // in `held`, at most one page past the engine's read-ahead; a closed reader drops them and the engine reopens
  // after the last record it was given.
  const closing = new AbortController();
  let held: StreamRecord[] = [];
  let heldBehind: number | undefined;
  let ahead: Promise<IteratorPage | undefined> | undefined;
  const startAhead = (n: number, signal: AbortSignal): void => {
    const p = fetchPage(n, AbortSignal.any([signal, closing.signal]));
    p.catch(() => undefined); // the next read rethrows it; after close nobody does
    ahead = p;
  };

  // LATEST means "from when the reader opened", so the first iterator is asked for now, under a deadline only;
  // when the server has none yet, each read asks again under its own signal.
  await acquire(from, new AbortController().signal);
  const empty: ReadResult = { records: [], endOfShard: false };
  return {
    async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
      if (!opened && !(await acquire(from, signal))) return empty;
      const n = Math.max(1, Math.min(maxLimit, Math.floor(limit)));
      if (held.length === 0) {
        if (ended && ahead === undefined) return { records: [], endOfShard: true, millisBehindLatest: 0 };
        const pending = ahead;
        ahead = undefined;
        const result = await (pending ?? fetchPage(n, signal));
        if (result === undefined) return empty;
        heldBehind = result.millisBehindLatest;
        const full = result.count >= n || (result.count > 0 && (heldBehind ?? 0) > 0);
        if (full && !ended && !signal.aborted) {
          startAhead(n, signal);
          // One turn of the event loop lets the SDK sign and write the request before the page is converted.
          await nextTurn();
        }
        held = result.records();
      }
      const records = held.splice(0, n);
      const endOfShard = ended && held.length === 0 && ahead === undefined;
      return { records, endOfShard, millisBehindLatest: heldBehind };
    },
    close: () => {
      closing.abort();
      held = [];
      ahead = undefined;
      return Promise.resolve();
    },
  };
}
