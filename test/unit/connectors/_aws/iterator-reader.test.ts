import { describe, expect, it } from 'vitest';
import {
  madePage,
  NO_ITERATOR_YET,
  openIteratorReader,
  type IteratorApi,
  type IteratorPage,
} from '../../../../connectors/_aws/iterator-reader.js';
import type { StartPosition, StreamRecord } from '../../../../src/ports/sources.js';

// A shard of sequence numbers 1..n behind a token API; iterators are "<token>@<next index>".
function fakeShard(n: number, opts: { closed: boolean }) {
  const calls: StartPosition[] = [];
  let token = 0;
  const expired = new Set<string>();
  const rec = (i: number): StreamRecord => ({
    position: String(i),
    partitionKey: 'k',
    arrivalMs: i,
    sizeBytes: 1,
    record: { i },
  });
  const api: IteratorApi = {
    getIterator: (from) => {
      calls.push(from);
      const start =
        from.type === 'TRIM_HORIZON'
          ? 1
          : from.type === 'AFTER'
            ? Number(from.position) + 1
            : from.type === 'LATEST'
              ? n + 1
              : 1;
      return Promise.resolve(`${++token}@${start}`);
    },
    getRecords: (iterator, limit): Promise<IteratorPage> => {
      if (expired.has(iterator)) return Promise.reject(Object.assign(new Error('expired'), { name: 'Expired' }));
      const start = Number(iterator.split('@')[1]);
      const end = Math.min(n, start + limit - 1);
      const records = [];
      for (let i = start; i <= end; i++) records.push(rec(i));
      const done = opts.closed && end >= n;
      return Promise.resolve(madePage(records, done ? null : `${++token}@${end + 1}`, 0));
    },
    isExpired: (err) => (err as Error).name === 'Expired',
    restartWithoutRecords: { type: 'TRIM_HORIZON' },
  };
  return { api, calls, expireAll: (its: string[]) => its.forEach((i) => expired.add(i)), expired };
}

const signal = new AbortController().signal;

describe('iterator reader', () => {
  it('follows NextShardIterator and reports endOfShard when it is null', async () => {
    const shard = fakeShard(5, { closed: true });
    const reader = await openIteratorReader(shard.api, { type: 'TRIM_HORIZON' }, 100);
    const a = await reader.read(3, signal);
    expect(a.records.map((r) => r.position)).toEqual(['1', '2', '3']);
    expect(a.endOfShard).toBe(false);
    const b = await reader.read(3, signal);
    expect(b.records.map((r) => r.position)).toEqual(['4', '5']);
    expect(b.endOfShard).toBe(true);
    expect((await reader.read(3, signal)).endOfShard).toBe(true);
  });

  it('re-acquires an expired iterator AFTER the last returned record, not from the starting position', async () => {
    const shard = fakeShard(10, { closed: false });
    const api: IteratorApi = {
      ...shard.api,
      // Every iterator handed out after the first read has expired once.
      getRecords: (iterator, limit, s) => {
        if (iterator === '2@4' && !shard.expired.has('used')) {
          shard.expired.add('used');
          return Promise.reject(Object.assign(new Error('expired'), { name: 'Expired' }));
        }
        return shard.api.getRecords(iterator, limit, s);
      },
    };
    const reader = await openIteratorReader(api, { type: 'TRIM_HORIZON' }, 100);
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['1', '2', '3']);
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['4', '5', '6']);
    expect(shard.calls).toEqual([{ type: 'TRIM_HORIZON' }, { type: 'AFTER', position: '3' }]);
  });

  it('re-acquires from the AFTER checkpoint it was opened with when nothing was read yet', async () => {
    const shard = fakeShard(10, { closed: false });
    const api: IteratorApi = {
      ...shard.api,
      getRecords: (iterator, limit, s) =>
        iterator === '1@8'
          ? Promise.reject(Object.assign(new Error('expired'), { name: 'Expired' }))
          : shard.api.getRecords(iterator, limit, s),
    };
    const reader = await openIteratorReader(api, { type: 'AFTER', position: '7' }, 100);
    expect((await reader.read(5, signal)).records.map((r) => r.position)).toEqual(['8', '9', '10']);
    expect(shard.calls).toEqual([
      { type: 'AFTER', position: '7' },
      { type: 'AFTER', position: '7' },
    ]);
  });

  it('clamps the limit to the API maximum', async () => {
    const shard = fakeShard(50, { closed: false });
    const reader = await openIteratorReader(shard.api, { type: 'TRIM_HORIZON' }, 10);
    expect((await reader.read(10_000, signal)).records).toHaveLength(10);
  });

  it('no iterator yet (kinesalite AT_TIMESTAMP on a quiet shard): the read is empty and the next read asks again', async () => {
    const shard = fakeShard(3, { closed: false });
    let answers = 0;
    const api: IteratorApi = {
      ...shard.api,
      getIterator: (from, s) => (++answers <= 2 ? Promise.resolve(NO_ITERATOR_YET) : shard.api.getIterator(from, s)),
    };
    const from: StartPosition = { type: 'AT_TIMESTAMP', timestampMs: 0 };
    const reader = await openIteratorReader(api, from, 100);
    expect(await reader.read(10, signal)).toEqual({ records: [], endOfShard: false });
    expect((await reader.read(10, signal)).records.map((r) => r.position)).toEqual(['1', '2', '3']);
    // Asked at open, by the empty read, and by the read that found the records.
    expect(answers).toBe(3);
  });

  it('a source request that never answers is abandoned at the deadline (the engine then reopens)', async () => {
    const shard = fakeShard(3, { closed: false });
    const hang = (s: AbortSignal) =>
      new Promise<never>((_resolve, reject) => s.addEventListener('abort', () => reject(new Error('aborted'))));
    const stuckOpen: IteratorApi = { ...shard.api, getIterator: (_f, s) => hang(s) };
    await expect(openIteratorReader(stuckOpen, { type: 'LATEST' }, 100, 50)).rejects.toThrow('aborted');
    const stuckRead: IteratorApi = { ...shard.api, getRecords: (_i, _l, s) => hang(s) };
    await expect(
      (await openIteratorReader(stuckRead, { type: 'TRIM_HORIZON' }, 100, 50)).read(1, signal),
    ).rejects.toThrow('aborted');
  });

  it('STR-1 after a full page the next GetRecords is already on its way; a short page (caught up) asks nothing more', async () => {
    const shard = fakeShard(7, { closed: false });
    const asked: string[] = [];
    const api: IteratorApi = {
      ...shard.api,
      getRecords: (iterator, limit, s) => {
        asked.push(iterator);
        return shard.api.getRecords(iterator, limit, s);
      },
    };
    const reader = await openIteratorReader(api, { type: 'TRIM_HORIZON' }, 100);
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['1', '2', '3']);
    expect(asked).toHaveLength(2); // the page returned, and the one after it
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['4', '5', '6']);
    expect(asked).toHaveLength(3);
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['7']);
    await new Promise((r) => setTimeout(r, 10));
    expect(asked).toHaveLength(3); // a short page: caught up, nothing asked until the next read
    expect((await reader.read(3, signal)).records).toEqual([]);
    expect(asked).toHaveLength(4);
  });

  it("a full page's records are made after the next GetRecords is asked for (the conversion overlaps it)", async () => {
    const shard = fakeShard(9, { closed: false });
    const log: string[] = [];
    const api: IteratorApi = {
      ...shard.api,
      getRecords: async (iterator, limit, s) => {
        log.push(`ask ${iterator.split('@')[1]}`);
        const page = await shard.api.getRecords(iterator, limit, s);
        return { ...page, records: () => (log.push(`make ${page.lastPosition}`), page.records()) };
      },
    };
    const reader = await openIteratorReader(api, { type: 'TRIM_HORIZON' }, 100);
    expect((await reader.read(3, signal)).records.map((r) => r.position)).toEqual(['1', '2', '3']);
    expect(log).toEqual(['ask 1', 'ask 4', 'make 3']);
  });

  it("STR-5 a page fetched ahead is handed out in order within the next reads' limits, and a closed shard ends after it", async () => {
    const shard = fakeShard(10, { closed: true });
    const reader = await openIteratorReader(shard.api, { type: 'TRIM_HORIZON' }, 100);
    const seen: string[] = [];
    let res = await reader.read(4, signal);
    seen.push(...res.records.map((r) => r.position));
    for (const limit of [2, 1, 5, 5]) {
      res = await reader.read(limit, signal);
      expect(res.records.length).toBeLessThanOrEqual(limit);
      seen.push(...res.records.map((r) => r.position));
      if (res.endOfShard) break;
    }
    expect(seen).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(res.endOfShard).toBe(true);
  });

  it('a failed read ahead fails the next read (the engine reopens after what it was given); close drops the page', async () => {
    const shard = fakeShard(10, { closed: false });
    const api: IteratorApi = {
      ...shard.api,
      getRecords: (iterator, limit, s) =>
        iterator.endsWith('@4')
          ? Promise.reject(Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'Throttled' }))
          : shard.api.getRecords(iterator, limit, s),
    };
    const reader = await openIteratorReader(api, { type: 'TRIM_HORIZON' }, 100);
    expect((await reader.read(3, signal)).records).toHaveLength(3);
    await expect(reader.read(3, signal)).rejects.toThrow('ProvisionedThroughputExceededException');

    const again = await openIteratorReader(shard.api, { type: 'TRIM_HORIZON' }, 100);
    expect((await again.read(3, signal)).records).toHaveLength(3); // and 4..6 fetched ahead
    await again.close();
    const reopened = await openIteratorReader(shard.api, { type: 'AFTER', position: '3' }, 100);
    expect((await reopened.read(3, signal)).records.map((r) => r.position)).toEqual(['4', '5', '6']);
  });
});
