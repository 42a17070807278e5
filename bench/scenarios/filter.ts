// Filter speed: records/s per source kind for typical patterns, compiled once per mapping (what sluice does).
// The raw side is the floor any matcher of an encoded source pays: base64 + JSON.parse of every record's data
// (none for DynamoDB and Redis Streams, whose fields are not encoded). A naive reference that parses, validates
// and compiles the pattern again for every record is kept in params.naivePerSec.
import { isUtf8 } from 'node:buffer';
import { filterSources } from '../../src/config/addresses.js';
import { PLAIN_RECORDS, RecordFilter, type FilterCriteria, type FilterSource } from '../../src/index.js';
import { withCost } from '../lib/measure.js';
import { fromRounds, median } from '../lib/stats.js';
import type { BenchContext, BenchRow, ProcessCost, Scenario, Side } from '../lib/types.js';
import { record, type SourceKind } from './filter-records.js';
import { PATTERNS } from './filter-patterns.js';

const KINDS: SourceKind[] = ['sqs', 'kinesis', 'dynamodb', 'kafka', 'generic'];

/** How the connector of a kind has its records filtered (generic: as they are). */
function filterSource(kind: SourceKind): FilterSource {
  const source = kind === 'generic' ? PLAIN_RECORDS : filterSources().get(kind);
  if (source === undefined) throw new Error(`no connector ${kind} with a filter`);
  return source;
}

interface Config {
  records: number;
  /** The naive reference is slow; it runs on a slice and is reported as a rate. */
  naiveRecords: number;
}
const FULL: Config = { records: 100_000, naiveRecords: 20_000 };
const QUICK: Config = { records: 20_000, naiveRecords: 4_000 };

function criteria(patterns: unknown[]): FilterCriteria {
  return { Filters: patterns.map((p) => ({ Pattern: JSON.stringify(p) })) };
}

/** Passes over the records are repeated for at least this long, so timer and GC noise stay small. */
const MIN_MS = 200;
/** Each rate is the median of this many windows, its spread printed. */
const ROUNDS = 3;

/**
 * Runs `fn` (one pass over `n` records) to warm up, then repeatedly in ROUNDS windows of MIN_MS / ROUNDS. The loop is
 * synchronous, so the rate is per CPU-second of this process: what one idle core does, steady on a shared machine
 * where wall time would mostly measure the other jobs.
 */
async function rate(n: number, fn: () => number): Promise<{ rates: number[]; matched: number; cost: ProcessCost }> {
  // Warm up for a while, not one pass: the first pattern of each kind otherwise met a half-optimised decode.
  const w0 = performance.now();
  do fn();
  while (performance.now() - w0 < MIN_MS / 2);
  const rates: number[] = [];
  const { value, cost } = await withCost(() => {
    let matched = 0;
    // ROUNDS windows of MIN_MS / ROUNDS each: a median and a spread for the same total time.
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let passes = 0;
      do {
        matched = fn();
        passes++;
      } while (performance.now() - t0 < MIN_MS / ROUNDS);
      const cpu = process.cpuUsage(cpu0);
      rates.push(((n * passes) / Math.max((cpu.user + cpu.system) / 1000, 0.001)) * 1000);
    }
    return Promise.resolve(matched);
  });
  return { rates, matched: value, cost };
}

/** What any matcher of these sources must do per record: decode the data field; undefined where nothing is encoded. */
async function decodeOnly(kind: SourceKind, records: Record<string, unknown>[]): Promise<Side | undefined> {
  if (kind === 'dynamodb' || kind === 'generic') return undefined;
  const decode = (r: Record<string, unknown>): unknown => {
    const raw =
      kind === 'sqs' ? r.body : kind === 'kafka' ? r.value : (r.kinesis as { data?: unknown } | undefined)?.data;
    if (typeof raw !== 'string') return undefined;
    if (kind === 'sqs') return JSON.parse(raw);
    const bytes = Buffer.from(raw, 'base64');
    return isUtf8(bytes) ? JSON.parse(bytes.toString('utf8')) : undefined;
  };
  const r = await rate(records.length, () => {
    let n = 0;
    for (const rec of records) if (decode(rec) !== undefined) n++;
    return n;
  });
  return { ...fromRounds(r.rates), cost: r.cost };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const rows: BenchRow[] = [];
  for (const [k, kind] of KINDS.entries()) {
    ctx.progress(`${kind} (${k + 1}/${KINDS.length}), ${cfg.records} records per pattern`);
    const records = Array.from({ length: cfg.records }, (_, i) => record(kind, i));
    for (const [name, build] of PATTERNS) {
      // Measured right before each pattern, not once per kind, so the pair sees the same machine load.
      const floor = await decodeOnly(kind, records);
      const c = criteria(build(kind));
      const source = filterSource(kind);
      const filter = RecordFilter.compile(c, source);
      const compiled = await rate(records.length, () => {
        let m = 0;
        for (const r of records) if (filter.matches(r)) m++;
        return m;
      });
      const slice = records.slice(0, cfg.naiveRecords);
      const naive = await rate(slice.length, () => {
        let m = 0;
        for (const r of slice) if (RecordFilter.compile(c, source).matches(r)) m++;
        return m;
      });
      rows.push({
        group: 'filter',
        name: `${kind}: ${name}`,
        unit: 'records/s',
        sluice: { ...fromRounds(compiled.rates), cost: compiled.cost },
        ...(floor ? { raw: floor } : {}),
        params: {
          kind,
          pattern: name,
          records: cfg.records,
          matchedPercent: Math.round((100 * compiled.matched) / records.length),
          naivePerSec: Math.round(median(naive.rates)),
          naiveRecords: cfg.naiveRecords,
        },
        notes: floor
          ? 'records per CPU-second; raw = decode only (base64 + JSON.parse of the data field), the floor of any matcher'
          : 'records per CPU-second; no encoded field, so no decode floor to compare against',
      });
    }
  }
  return rows;
}

export const filterScenario: Scenario = { id: 'filter', title: 'Filter engine', run };
