import { describe, expect, it } from 'vitest';
import { runTestPattern } from '../../../../src/cli/test-pattern.js';
import { b64 } from './helpers.js';

async function run(argv: string[], files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runTestPattern(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (p) =>
      p in files ? Promise.resolve(files[p] as string) : Promise.reject(new Error('ENOENT: no such file')),
  });
  return { code, stdout, stderr };
}

const sqsEvent = {
  Records: [
    { messageId: '1', body: '{"type":"order","amount":12}', eventSource: 'aws:sqs' },
    { messageId: '2', body: '{"type":"refund","amount":3}', eventSource: 'aws:sqs' },
  ],
};

describe('sluice test-pattern', () => {
  it('#21 --mapping: a --sample that is not a positive integer is a usage error (exit 2), before anything is asked', async () => {
    for (const sample of ['0', '2.5', 'ten']) {
      const r = await run(['--mapping', 'm-1', '--sample', sample, '--url', 'http://127.0.0.1:1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--sample must be a positive integer');
    }
  });

  it('#21 --mapping: an unreadable --pattern-file is a usage error (exit 2)', async () => {
    const r = await run(['--mapping', 'm-1', '--pattern-file', 'nope.json', '--url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read nope.json');
  });

  it('FLT-8 prints match and exits 0 when the record matches', async () => {
    const r = await run([
      '--pattern',
      '{"body":{"type":["order"]}}',
      '--source',
      'sqs',
      '--record',
      JSON.stringify(sqsEvent.Records[0]),
    ]);
    expect(r).toEqual({ code: 0, stdout: 'match\n', stderr: '' });
  });

  it('FLT-8 prints no match and exits 1 when it does not', async () => {
    const r = await run([
      '--pattern',
      '{"body":{"type":["order"]}}',
      '--source',
      'sqs',
      '--record',
      '{"body":"plain"}',
    ]);
    expect(r).toEqual({ code: 1, stdout: 'no match\n', stderr: '' });
  });

  it('FLT-2 tests each record of an event file and exits 1 when any does not match', async () => {
    const r = await run(['--pattern-file', 'p.json', '--source', 'sqs', '--event-file', 'e.json'], {
      'p.json': '{"body":{"amount":[{"numeric":[">",10]}]}}',
      'e.json': JSON.stringify(sqsEvent),
    });
    expect(r).toEqual({ code: 1, stdout: 'Records[0]: match\nRecords[1]: no match\n', stderr: '' });
  });

  it("FLT-10 reads a Kafka event's records map", async () => {
    const event = {
      eventSource: 'SelfManagedKafka',
      records: {
        'orders-0': [
          { topic: 'orders', partition: 0, offset: 1, value: b64('{"kind":"a"}') },
          { topic: 'orders', partition: 0, offset: 2, value: b64('{"kind":"a"}') },
        ],
        'orders-1': [{ topic: 'orders', partition: 1, offset: 7, value: b64('{"kind":"a"}') }],
      },
    };
    const r = await run(['--pattern', '{"value":{"kind":["a"]}}', '--source', 'kafka', '--event-file', 'k.json'], {
      'k.json': JSON.stringify(event),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'records["orders-0"][0]: match\nrecords["orders-0"][1]: match\nrecords["orders-1"][0]: match\n',
    );
  });

  it('FLT-2 repeated --pattern are ORed filters; a pattern file may hold a FilterCriteria', async () => {
    const a = await run([
      '--pattern',
      '{"x":[1]}',
      '--pattern',
      '{"x":[2]}',
      '--source',
      'generic',
      '--record',
      '{"x":2}',
    ]);
    expect(a.code).toBe(0);
    const b = await run(['--pattern-file', 'c.json', '--source', 'generic', '--record-file', 'r.json'], {
      'c.json': JSON.stringify({ Filters: [{ Pattern: '{"x":[1]}' }, { Pattern: '{"x":[2]}' }] }),
      'r.json': '[{"x":1},{"x":3}]',
    });
    expect(b).toEqual({ code: 1, stdout: '[0]: match\n[1]: no match\n', stderr: '' });
  });

  it('FLT-1 a pattern file may be a mapping with FilterCriteria', async () => {
    const mapping = { FunctionName: 'f', FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } };
    const r = await run(['--pattern-file', 'm.json', '--source', 'dynamodb', '--record', '{"eventName":"INSERT"}'], {
      'm.json': JSON.stringify(mapping),
    });
    expect(r).toEqual({ code: 0, stdout: 'match\n', stderr: '' });
  });

  it('FLT-12 an invalid pattern exits 2 with the reason and path', async () => {
    const r = await run(['--pattern', '{"x":[{"numeric":[">",5,"<",1]}]}', '--source', 'generic', '--record', '{}']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: FilterCriteria\.Filters\[0\]\.Pattern\.x\[0\]\.numeric: the lower bound/);
  });

  it('FLT-9 source-specific errors: a rule array on Kinesis data exits 2', async () => {
    const r = await run(['--pattern', '{"data":["x"]}', '--source', 'kinesis', '--record', '{}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FLT-9/);
  });

  it('D-6 prints portability warnings on stderr but still tests', async () => {
    const r = await run(['--pattern', '{"x":[{"wildcard":"a*"}]}', '--source', 'generic', '--record', '{"x":"abc"}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('match\n');
    expect(r.stderr).toMatch(/^warning: .*AWS Lambda may reject/);
  });

  it('exits 2 on invalid input, with the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--source', 'sqs', '--record', '{}'], /--pattern/],
      [
        ['--pattern', '{}', '--pattern-file', 'x', '--source', 'sqs', '--record', '{}'],
        /either --pattern or --pattern-file/,
      ],
      [['--pattern', '{"a":[1]}', '--record', '{}'], /--source is required/],
      [['--pattern', '{"a":[1]}', '--source', 'mq', '--record', '{}'], /unknown --source "mq"/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs'], /one of --record/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--record', '{'], /--record is not valid JSON/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--record', '[1]'], /not a JSON object/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--record-file', 'missing.json'], /cannot read missing\.json/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--event-file', 'e.json'], /neither a "Records" array/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--bogus'], /Unknown option/],
      [['--pattern', '{"a":[1]}', '--source', 'sqs', '--record', '{}', '--max-filters', '11'], /--max-filters/],
    ];
    for (const [argv, reason] of cases) {
      const r = await run(argv, { 'e.json': '{"Records": 5}' });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(reason);
    }
  });

  it('exits 2 for an event with no records', async () => {
    const r = await run(['--pattern', '{"a":[1]}', '--source', 'sqs', '--event-file', 'e.json'], {
      'e.json': '{"Records":[]}',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no records/);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sluice test-pattern/);
    expect(r.stdout).toMatch(/--event-file/);
  });
});
