// Filter speed: records/s per source kind for typical patterns, compiled once per mapping vs a naive
// reference that parses, validates and compiles the pattern again for every record.
// "decode only" is the floor for sources with an encoded data field: base64 and JSON.parse of every record.
// Run: npx tsx bench/filter.ts [records] [kind,...]   (default 100000, all kinds)
import { isUtf8 } from 'node:buffer';
import { RecordFilter, type FilterCriteria, type SourceKind } from '../src/index.js';

const RECORDS = Number(process.argv[2] ?? 100_000);
/** The naive reference is slow; it runs on a slice and is reported as a rate. */
const NAIVE_RECORDS = Math.min(RECORDS, 20_000);
const KINDS = (process.argv[3]?.split(',') ?? ['sqs', 'kinesis', 'dynamodb', 'kafka', 'generic']) as SourceKind[];

interface Payload {
  type: string;
  amount: number;
  region: string;
  file: string;
  user: string;
}

const TYPES = ['order', 'refund', 'void', 'update'];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-south-1'];

function payload(i: number): Payload {
  return {
    type: TYPES[i % 4] as string,
    amount: (i * 37) % 1000,
    region: REGIONS[(i >> 2) % 4] as string,
    file: i % 3 === 0 ? `img/${i}.png` : `doc/${i}.pdf`,
    user: `user-${i % 997}`,
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function record(kind: SourceKind, i: number): Record<string, unknown> {
  const p = payload(i);
  const json = JSON.stringify(p);
  switch (kind) {
    case 'sqs':
      return {
        messageId: `m-${i}`,
        receiptHandle: `rh-${i}`,
        body: json,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000' },
        messageAttributes: {},
        md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
        awsRegion: 'us-east-1',
      };
    case 'kinesis':
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: p.user,
          sequenceNumber: String(49590338271490256608559692538361571095921575989136588898n + BigInt(i)),
          data: b64(json),
          approximateArrivalTimestamp: 1700000000.123,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${i}`,
        eventName: 'aws:kinesis:record',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      };
    case 'dynamodb':
      return {
        eventID: String(i),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { user: { S: p.user } },
          NewImage: Object.fromEntries(
            Object.entries(p).map(([k, v]: [string, string | number]) => [
              k,
              typeof v === 'number' ? { N: String(v) } : { S: v },
            ]),
          ),
          SequenceNumber: String(i),
          SizeBytes: p.amount,
          StreamViewType: 'NEW_IMAGE',
        },
      };
    case 'kafka':
      return {
        topic: 'orders',
        partition: 0,
        offset: i,
        timestamp: 1700000000000,
        timestampType: 'CREATE_TIME',
        key: b64(p.user),
        value: b64(json),
        headers: [],
      };
    case 'generic':
      return { id: `${i}-0`, fields: p };
  }
}

/** A rule on one payload field, placed where each source keeps it. */
function field(kind: SourceKind, name: keyof Payload, rules: unknown[]): Record<string, unknown> {
  switch (kind) {
    case 'sqs':
      return { body: { [name]: rules } };
    case 'kinesis':
      return { data: { [name]: rules } };
    case 'kafka':
      return { value: { [name]: rules } };
    case 'generic':
      return { fields: { [name]: rules } };
    case 'dynamodb':
      // DynamoDB numbers are strings ({"N": "12"}), so numeric rules go to a number the record has.
      return name === 'amount'
        ? { dynamodb: { SizeBytes: rules } }
        : { dynamodb: { NewImage: { [name]: { S: rules } } } };
  }
}

const PATTERNS: Array<[string, (k: SourceKind) => unknown[]]> = [
  ['exact', (k) => [field(k, 'type', ['order'])]],
  ['prefix', (k) => [field(k, 'region', [{ prefix: 'us-' }])]],
  ['numeric range', (k) => [field(k, 'amount', [{ numeric: ['>', 100, '<=', 500] }])]],
  ['anything-but', (k) => [field(k, 'type', [{ 'anything-but': ['refund', 'void'] }])]],
  ['wildcard', (k) => [field(k, 'file', [{ wildcard: 'img/*.png' }])]],
  ['$or', (k) => [{ $or: [field(k, 'type', ['refund']), field(k, 'amount', [{ numeric: ['>', 900] }])] }]],
  [
    '5 filters',
    (k) => [
      field(k, 'type', ['nothing']),
      field(k, 'user', ['user-x']),
      field(k, 'region', [{ prefix: 'sa-' }]),
      field(k, 'amount', [{ numeric: ['<', 0] }]),
      field(k, 'type', ['order']),
    ],
  ],
];

function criteria(patterns: unknown[]): FilterCriteria {
  return { Filters: patterns.map((p) => ({ Pattern: JSON.stringify(p) })) };
}

function rate(n: number, fn: () => number): { perSecond: number; matched: number } {
  const start = process.hrtime.bigint();
  const matched = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: n / seconds, matched };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: string[][] = [
  ['source', 'pattern', 'compiled rec/s', 'naive rec/s', 'ratio', 'matched', 'decode only rec/s'],
];

/** What any matcher of these sources must do per record: decode the data field. */
function decodeOnly(kind: SourceKind, records: Record<string, unknown>[]): string {
  const decode = (r: Record<string, unknown>): unknown => {
    const raw =
      kind === 'sqs' ? r.body : kind === 'kafka' ? r.value : (r.kinesis as { data?: unknown } | undefined)?.data;
    if (typeof raw !== 'string') return undefined;
    if (kind === 'sqs') return JSON.parse(raw);
    const bytes = Buffer.from(raw, 'base64');
    return isUtf8(bytes) ? JSON.parse(bytes.toString('utf8')) : undefined;
  };
  if (kind === 'dynamodb' || kind === 'generic') return '-';
  const run = () => {
    let n = 0;
    for (const r of records) if (decode(r) !== undefined) n++;
    return n;
  };
  run();
  return fmt(rate(records.length, run).perSecond);
}

for (const kind of KINDS) {
  const records = Array.from({ length: RECORDS }, (_, i) => record(kind, i));
  const floor = decodeOnly(kind, records);
  for (const [name, build] of PATTERNS) {
    const c = criteria(build(kind));
    const filter = RecordFilter.compile(c, kind);
    const compiledRun = () => {
      let m = 0;
      for (const r of records) if (filter.matches(r)) m++;
      return m;
    };
    compiledRun(); // warm-up
    const compiled = rate(records.length, compiledRun);
    const slice = records.slice(0, NAIVE_RECORDS);
    const naive = rate(slice.length, () => {
      let m = 0;
      for (const r of slice) if (RecordFilter.compile(c, kind).matches(r)) m++;
      return m;
    });
    rows.push([
      kind,
      name,
      fmt(compiled.perSecond),
      fmt(naive.perSecond),
      `${(compiled.perSecond / naive.perSecond).toFixed(1)}x`,
      `${((100 * compiled.matched) / records.length).toFixed(0)}%`,
      floor,
    ]);
  }
}

const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
const line = (r: string[]) =>
  r.map((cell, col) => (col < 2 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  ');
console.log(
  `sluice filter benchmark: ${fmt(RECORDS)} records per case (naive reference on ${fmt(NAIVE_RECORDS)}), node ${process.version}`,
);
console.log(line(rows[0] ?? []));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows.slice(1)) console.log(line(r));
