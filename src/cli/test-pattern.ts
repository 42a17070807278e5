// `sluice test-pattern`: check filter patterns against records or a whole event, as a mapping would.
import { parseArgs } from 'node:util';
import { filterSources } from '../config/addresses.js';
import { PLAIN_RECORDS, RecordFilter, validateFilterCriteria, type FilterCriteria } from '../core/filter/index.js';
import { runLiveSample } from './test-pattern-live.js';

export interface TestPatternIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

export const TEST_PATTERN_HELP = `Usage: sluice test-pattern (--pattern '<json>' | --pattern-file F) --source KIND
                           (--record '<json>' | --record-file F | --event-file F)

       sluice test-pattern --mapping UUID [--sample N] [--pattern '<json>' | --pattern-file F]
                           [--url URL] [--token T] [--json]

Checks Lambda event filter patterns against records, with the same decoding a mapping uses. With --mapping, a
running sluice reads the mapping's N most recent records (default 10) without acknowledging or moving anything
(Kafka: a throwaway consumer group; Redis: XREVRANGE; Kinesis/DynamoDB: a plain shard read; not SQS or RabbitMQ,
where reading a message hides it) and shows which match its current FilterCriteria and the proposed pattern.

  --pattern '<json>'    a filter pattern; repeat it for several filters (a record matches if any does)
  --pattern-file F      a file with one pattern, a FilterCriteria {"Filters":[{"Pattern":"..."}]},
                        or a mapping that has a "FilterCriteria"
  --source KIND         ${[...filterSources().keys(), 'generic'].join(' | ')} (generic: records as they are)
  --record '<json>'     one record as it appears in the event's Records array; may be repeated
  --record-file F       a file with one record or a JSON array of records
  --event-file F        a whole event: each record of "Records" (or Kafka "records") is tested
  --max-filters N       filters allowed (default 5, at most 10)
  --mapping UUID        sample this mapping's live records on the sluice at --url (default $SLUICE_URL or
                        http://127.0.0.1:9001; --token or $SLUICE_TOKEN); --json prints the whole answer
  -h, --help            show this help

Prints "match" or "no match" per record (with its position when there are several).
Exit status: 0 all records match, 1 at least one does not, 2 invalid input.
`;

class UsageError extends Error {}

interface LabelledRecord {
  label: string;
  record: unknown;
}

export async function runTestPattern(argv: string[], io: TestPatternIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(argv: string[], io: TestPatternIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        pattern: { type: 'string', multiple: true },
        'pattern-file': { type: 'string' },
        source: { type: 'string' },
        record: { type: 'string', multiple: true },
        'record-file': { type: 'string' },
        'event-file': { type: 'string' },
        'max-filters': { type: 'string' },
        mapping: { type: 'string' },
        sample: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nRun "sluice test-pattern --help" for usage.`);
  }
  if (values.help) {
    io.stdout(TEST_PATTERN_HELP);
    return 0;
  }

  if (values.mapping !== undefined) {
    const sample = Number(values.sample ?? '10');
    if (!Number.isInteger(sample) || sample < 1) throw new UsageError('--sample must be a positive integer');
    const given = (values.pattern?.length ?? 0) > 0 || values['pattern-file'] !== undefined;
    const proposed = given ? await loadCriteria(values.pattern, values['pattern-file'], io) : undefined;
    return runLiveSample(
      {
        mapping: values.mapping,
        sample,
        ...(proposed && { proposed }),
        ...(values.url !== undefined && { url: values.url }),
        ...(values.token !== undefined && { token: values.token }),
        json: values.json === true,
      },
      { stdout: io.stdout, stderr: io.stderr, env: io.env ?? {} },
    );
  }

  // A connector's kind, or generic for records matched as they are (Redis streams).
  const sources = new Map([...filterSources(), ['generic', PLAIN_RECORDS]]);
  const kinds = [...sources.keys()].join(', ');
  if (values.source === undefined) throw new UsageError(`--source is required (${kinds})`);
  const source = sources.get(values.source);
  if (source === undefined) throw new UsageError(`unknown --source "${values.source}"; use one of ${kinds}`);
  let maxFilters: number | undefined;
  if (values['max-filters'] !== undefined) {
    maxFilters = Number(values['max-filters']);
    if (!Number.isInteger(maxFilters) || maxFilters < 1 || maxFilters > 10) {
      throw new UsageError('--max-filters must be an integer from 1 to 10');
    }
  }

  const criteria = await loadCriteria(values.pattern, values['pattern-file'], io);
  const records = await loadRecords(values.record, values['record-file'], values['event-file'], io);

  const issues = validateFilterCriteria(criteria, { source, maxFilters });
  for (const i of issues) io.stderr(`${i.severity}: ${i.path}: ${i.message}\n`);
  if (issues.some((i) => i.severity === 'error')) return 2;
  const filter = RecordFilter.compile(criteria, source, { maxFilters });

  let allMatch = true;
  for (const { label, record } of records) {
    const matched = filter.matches(record);
    allMatch &&= matched;
    const verdict = matched ? 'match' : 'no match';
    io.stdout(records.length === 1 ? `${verdict}\n` : `${label}: ${verdict}\n`);
  }
  return allMatch ? 0 : 1;
}

async function loadCriteria(
  patterns: string[] | undefined,
  file: string | undefined,
  io: TestPatternIo,
): Promise<FilterCriteria> {
  if ((patterns?.length ?? 0) > 0 === (file !== undefined)) {
    throw new UsageError('give the pattern with either --pattern or --pattern-file');
  }
  if (patterns) return { Filters: patterns.map((Pattern) => ({ Pattern })) };
  const text = await readInput(io, file as string);
  // A FilterCriteria object, a mapping with one, or a bare pattern (which may have a "Filters" field of its own).
  try {
    let json = JSON.parse(text) as unknown;
    const nested =
      typeof json === 'object' && json !== null ? (json as { FilterCriteria?: unknown }).FilterCriteria : undefined;
    if (typeof nested === 'object' && nested !== null) json = nested;
    if (typeof json === 'object' && json !== null && Array.isArray((json as { Filters?: unknown }).Filters)) {
      const filters = (json as { Filters: unknown[] }).Filters;
      if (filters.every((f) => typeof f === 'object' && f !== null && 'Pattern' in f)) return json;
    }
  } catch {
    // Reported with its path by the pattern validation.
  }
  return { Filters: [{ Pattern: text.trim() }] };
}

async function loadRecords(
  inline: string[] | undefined,
  recordFile: string | undefined,
  eventFile: string | undefined,
  io: TestPatternIo,
): Promise<LabelledRecord[]> {
  const given = [(inline?.length ?? 0) > 0, recordFile !== undefined, eventFile !== undefined].filter(Boolean);
  if (given.length !== 1) throw new UsageError('give the records with one of --record, --record-file or --event-file');
  let records: LabelledRecord[];
  if (inline) {
    records = inline.map((text, i) => ({ label: `record ${i + 1}`, record: parseJson(text, '--record') }));
  } else if (recordFile !== undefined) {
    const json = parseJson(await readInput(io, recordFile), recordFile);
    records = Array.isArray(json)
      ? json.map((record: unknown, i) => ({ label: `[${i}]`, record }))
      : [{ label: 'record', record: json }];
  } else {
    records = eventRecords(parseJson(await readInput(io, eventFile as string), eventFile as string));
  }
  if (records.length === 0) throw new UsageError('no records to test');
  for (const { label, record } of records) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new UsageError(`${label} is not a JSON object`);
    }
  }
  return records;
}

function eventRecords(event: unknown): LabelledRecord[] {
  if (typeof event === 'object' && event !== null) {
    const { Records, records } = event as { Records?: unknown; records?: unknown };
    if (Array.isArray(Records)) return Records.map((record: unknown, i) => ({ label: `Records[${i}]`, record }));
    if (typeof records === 'object' && records !== null && !Array.isArray(records)) {
      return Object.entries(records).flatMap(([key, list]) => {
        if (!Array.isArray(list)) throw new UsageError(`records[${JSON.stringify(key)}] is not an array`);
        return list.map((record: unknown, i) => ({ label: `records[${JSON.stringify(key)}][${i}]`, record }));
      });
    }
  }
  throw new UsageError('the event has neither a "Records" array nor a Kafka "records" map');
}

async function readInput(io: TestPatternIo, path: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}
