// The stream source contract (src/ports/sources.ts `StreamSource`), written once and run against every connector's
// StreamSource on its real server (stream-sources.test.ts lists them). Each stream has one shard. Bounds are
// generous: they prove what arrives and in which order, never speed.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ShardInfo, ShardReader, StartPosition, StreamRecord, StreamSource } from '../../src/ports/sources.js';
import { commitsOfEngine, nested } from './stream-commits.js';

/** One fresh stream (topic, key, table) with one shard on the connector's real server. */
export interface StreamUnderTest {
  /** Appends records with these payloads to the shard, in this order. */
  produce(values: readonly string[]): Promise<void>;
  /**
   * A new source through the connector, as a mapping starting at `start` builds it (each call: its own source,
   * closed by the suite). Sources that keep positions themselves read in consumer group `group`.
   */
  source(start: StartPosition, group: string): StreamSource;
  /** The payload a record was produced with, read from the record the source built. */
  valueOf(r: StreamRecord): string;
  dispose(): Promise<void>;
}

export interface StreamSourceFactory {
  name: string;
  /** engine: the engine's state store keeps checkpoints; source: the source does (reader commit: Kafka, Redis). */
  positions: 'engine' | 'source';
  create(): Promise<StreamUnderTest>;
}

const SLACK_MS = 20_000;
const TRIM: StartPosition = { type: 'TRIM_HORIZON' };
const never = () => new AbortController().signal;
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Positions are decimal numbers (sequence numbers, offsets) or Redis entry ids (`ms-seq`). */
function comparePositions(a: string, b: string): number {
  const parts = (p: string) => {
    expect(p).toMatch(/^\d+(-\d+)?$/);
    return p.split('-').map(BigInt);
  };
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0n) - (y[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

/** Reads (each read at most `limit`) until `want` records arrived or the bound passed. */
async function readFor(reader: ShardReader, want: number, ms = SLACK_MS, limit = 100): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  const until = Date.now() + ms;
  while (out.length < want && Date.now() < until) {
    const { records, endOfShard } = await reader.read(Math.min(limit, want - out.length), never());
    expect(records.length).toBeLessThanOrEqual(Math.min(limit, want - out.length));
    out.push(...records);
    if (endOfShard) break;
    if (records.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

export function describeStreamSource(factory: StreamSourceFactory): void {
  describe(`stream source contract: ${factory.name}`, () => {
    async function setup() {
      const s = await factory.create();
      const sources = new Set<StreamSource>();
      onTestFinished(async () => {
        await Promise.all([...sources].map((x) => x.close()));
        await s.dispose();
      });
      const open = (start: StartPosition = TRIM, group = `g-${Math.random().toString(36).slice(2)}`) => {
        const src = s.source(start, group);
        sources.add(src);
        return src;
      };
      const close = (src: StreamSource) => (sources.delete(src) ? src.close() : Promise.resolve());
      const shardOf = async (src: StreamSource): Promise<ShardInfo> => {
        const shards = await src.listShards();
        expect(shards).toHaveLength(1);
        return shards[0]!;
      };
      return { s, open, close, shardOf, valuesOf: (rs: readonly StreamRecord[]) => rs.map((r) => s.valueOf(r)) };
    }

    it('listShards lists the one shard, the same on every call', async () => {
      const { s, open } = await setup();
      await s.produce(['x']);
      const src = open();
      const first = await src.listShards();
      expect(first).toHaveLength(1);
      expect(first[0]!.id).toMatch(/\S/);
      expect(Array.isArray(first[0]!.parentIds)).toBe(true);
      expect(first[0]!.closed ?? false).toBe(false);
      expect((await src.listShards()).map((x) => x.id)).toEqual([first[0]!.id]);
      expect(src.positions).toBe(factory.positions);
    });

    it('STR-5/KAF-1 TRIM_HORIZON returns every record in order, with increasing positions, sizes and records', async () => {
      const { s, open, shardOf, valuesOf } = await setup();
      const sent = values('trim', 5);
      await s.produce(sent);
      const src = open();
      const reader = await src.open(await shardOf(src), TRIM);
      const got = await readFor(reader, sent.length);
      expect(valuesOf(got)).toEqual(sent);
      for (let i = 1; i < got.length; i++) expect(comparePositions(got[i - 1]!.position, got[i]!.position)).toBe(-1);
      for (const r of got) {
        expect(r.sizeBytes).toBeGreaterThan(0);
        expect(typeof r.record).toBe('object');
        expect(typeof r.partitionKey).toBe('string');
        expect(Number.isFinite(r.arrivalMs)).toBe(true);
      }
      // nothing more than what was produced
      expect(await readFor(reader, 1, 1500)).toEqual([]);
    });

    it('read honours limit', async () => {
      const { s, open, shardOf, valuesOf } = await setup();
      const sent = values('limit', 7);
      await s.produce(sent);
      const src = open();
      const reader = await src.open(await shardOf(src), TRIM);
      const got: StreamRecord[] = [];
      const until = Date.now() + SLACK_MS;
      while (got.length < sent.length && Date.now() < until) {
        const { records } = await reader.read(2, never());
        expect(records.length).toBeLessThanOrEqual(2);
        got.push(...records);
      }
      expect(valuesOf(got)).toEqual(sent);
    });

    it('read settles at once on an aborted signal', async () => {
      const { s, open, shardOf } = await setup();
      await s.produce(['a']);
      const src = open();
      const reader = await src.open(await shardOf(src), TRIM);
      expect(await readFor(reader, 1)).toHaveLength(1);
      const abort = new AbortController();
      abort.abort();
      let started = Date.now();
      const r = await reader.read(10, abort.signal).catch(() => undefined);
      expect(r?.records.length ?? 0).toBe(0);
      expect(Date.now() - started).toBeLessThan(SLACK_MS / 2);
      // a read waiting on the caught-up shard ends when its signal is aborted
      const late = new AbortController();
      setTimeout(() => late.abort(), 200);
      started = Date.now();
      await reader.read(10, late.signal).catch(() => undefined);
      expect(Date.now() - started).toBeLessThan(SLACK_MS / 2);
    });

    it('STR-9 AFTER a position read resumes strictly after it on a reopened reader', async () => {
      const { s, open, shardOf, valuesOf } = await setup();
      const sent = values('after', 6);
      await s.produce(sent);
      const src = open();
      const shard = await shardOf(src);
      const first = await src.open(shard, TRIM);
      const head = await readFor(first, 3);
      expect(valuesOf(head)).toEqual(sent.slice(0, 3));
      await first.close();
      const again = await src.open(shard, { type: 'AFTER', position: head[2]!.position });
      expect(valuesOf(await readFor(again, 3))).toEqual(sent.slice(3));
      expect(await readFor(again, 1, 1500)).toEqual([]);
    });

    (factory.positions === 'engine' ? it : it.skip)(
      'STR-9 AFTER a checkpoint resumes strictly after it on a new source (engine-kept positions; the others resume from their group)',
      async () => {
        const { s, open, close, shardOf, valuesOf } = await setup();
        const sent = values('resume', 5);
        await s.produce(sent);
        const src = open();
        const all = await readFor(await src.open(await shardOf(src), TRIM), sent.length);
        await close(src);
        const next = open();
        const reader = await next.open(await shardOf(next), { type: 'AFTER', position: all[1]!.position });
        expect(valuesOf(await readFor(reader, 3))).toEqual(sent.slice(2));
      },
    );

    (factory.positions === 'source' ? it : it.skip)(
      'KAF-5/KAF-7 a position committed through the reader is where a new source of the same group resumes (source-kept positions; the others use the state store)',
      async () => {
        const { s, open, close, shardOf, valuesOf } = await setup();
        const sent = values('group', 6);
        await s.produce(sent);
        const group = `g-${Math.random().toString(36).slice(2)}`;
        const src = open(TRIM, group);
        const shard = await shardOf(src);
        const first = await src.open(shard, TRIM);
        const all = await readFor(first, sent.length);
        expect(valuesOf(all)).toEqual(sent);
        expect(typeof first.commit).toBe('function');
        await first.commit!(all[2]!.position);
        await close(src);
        const next = open(TRIM, group);
        const reader = await next.open(await shardOf(next), TRIM);
        expect(valuesOf(await readFor(reader, 3))).toEqual(sent.slice(3));
        expect(await readFor(reader, 1, 1500)).toEqual([]);
      },
    );

    it('KAF-6 LATEST returns only records produced after the reader opened', async () => {
      const { s, open, shardOf, valuesOf } = await setup();
      await s.produce(['old-0', 'old-1']);
      const latest: StartPosition = { type: 'LATEST' };
      const src = open(latest);
      const reader = await src.open(await shardOf(src), latest);
      await s.produce(['new-0', 'new-1']);
      expect(valuesOf(await readFor(reader, 2))).toEqual(['new-0', 'new-1']);
      expect(await readFor(reader, 1, 1500)).toEqual([]);
    });

    it('STR-21 events.event is JSON that holds each record; itemIdentifier is defined and distinct per record; failureInfo is a JSON block', async () => {
      const { s, open, shardOf } = await setup();
      await s.produce(values('event', 3));
      const src = open();
      const shard = await shardOf(src);
      const got = await readFor(await src.open(shard, TRIM), 3);
      expect(got).toHaveLength(3);
      const json = src.events.event(shard, got).toString();
      const event = JSON.parse(json) as unknown;
      const all = [...nested(event)];
      for (const r of got) {
        const record = JSON.parse(JSON.stringify(r.record)) as unknown;
        expect(all.some((v) => isDeepStrictEqual(v, record))).toBe(true);
      }
      const ids = got.map((r) => src.events.itemIdentifier(r));
      for (const id of ids) expect(id ?? undefined).toBeDefined();
      expect(new Set(ids.map((id) => JSON.stringify(id))).size).toBe(got.length);
      // §3.7: the on-failure record's batch-info part, merged into the record as is.
      const info = src.events.failureInfo(shard, got);
      expect(Object.keys(info).length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    });

    it('STR-9 the engine commits through the reader only done-prefix positions (never past an unhandled record) for source-kept positions; an engine-kept source never gets commit', async () => {
      const { s, open } = await setup();
      const cmp = comparePositions;
      const sent = values('commit', 6);
      await s.produce(sent);
      const run = await commitsOfEngine(open(TRIM), (r) => s.valueOf(r), sent[3]!, sent.length);
      const done = run.read.find((r) => s.valueOf(r) === sent[2])!.position;
      if (factory.positions === 'source') {
        expect(run.commits.length).toBeGreaterThan(0);
        for (const c of run.commits) expect(cmp(c, done)).toBeLessThanOrEqual(0);
        for (let i = 1; i < run.commits.length; i++) expect(cmp(run.commits[i - 1]!, run.commits[i]!)).toBe(-1);
        expect(run.commits.at(-1)).toBe(done);
        expect(run.checkpointed).toBeUndefined();
      } else {
        expect(run.commits).toEqual([]);
        expect(run.checkpointed).toBe(done);
      }
    });

    it('close resolves, and a second close does not throw', async () => {
      const { s, open, shardOf } = await setup();
      await s.produce(['c']);
      const src = open();
      const reader = await src.open(await shardOf(src), TRIM);
      expect(await readFor(reader, 1)).toHaveLength(1);
      await reader.close();
      await expect(src.close()).resolves.toBeUndefined();
      await expect(src.close()).resolves.toBeUndefined();
    });
  });
}
