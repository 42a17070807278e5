// #20-5: the README's table is generated from a run: sluice's median against the raw loop's, both with the spread
// of their rounds, replacing only what lies between the markers.
import { describe, expect, it } from 'vitest';
import { README_END, README_START, readmeTable, replaceReadmeTable } from '../../../bench/report/readme-table.js';
import { buildResults } from '../../../bench/report/results.js';
import { machine, rows } from './fixtures.js';

const results = buildResults({
  date: new Date('2026-12-04T01:00:00Z'),
  quick: false,
  durationMs: 1_500_000,
  machine,
  scenarios: [],
  rows: [...rows.map((r) => (r.group === 'sqs' ? { ...r, rawLoop: 'ReceiveMessage | Delete' } : r))],
});

describe('bench README table (#20-5)', () => {
  it('shows every row with a raw side: medians with min–max, ratio, latency and the raw loop', () => {
    const table = readmeTable(results);
    const sqs = table.split('\n').find((l) => l.includes('drain, 10 loops'));
    expect(sqs).toContain('4,013 (3.9k–4.3k)');
    expect(sqs).toContain('4,100 (4.0k–4.1k)');
    expect(sqs).toContain('| 0.98 |');
    expect(sqs).toContain('13.0 / 43.0');
    expect(sqs).toContain('ReceiveMessage \\| Delete');
    // no raw side (filter, scale curves): not in this table
    expect(table).not.toContain('generic: exact');
    expect(table).toContain('Full run of 2026-12-04T01:00:00.000Z, 25 min 0 s');
    expect(table).toContain('medians of up to 3 rounds');
  });

  it("#20 an emulator row's raw-loop cell carries the server's CPU next to the bench process's", () => {
    const withServer = buildResults({
      date: new Date('2026-12-04T01:00:00Z'),
      quick: true,
      durationMs: 1000,
      machine,
      scenarios: [],
      rows: rows.map((r) =>
        r.group === 'sqs'
          ? { ...r, rawLoop: 'ReceiveMessage loops', params: { ...r.params, serverCpu: 'ElasticMQ CPU 99 % (sluice)' } }
          : r,
      ),
    });
    const sqs = readmeTable(withServer)
      .split('\n')
      .find((l) => l.includes('drain, 10 loops'));
    expect(sqs).toContain('| ReceiveMessage loops; ElasticMQ CPU 99 % (sluice) |');
  });

  it('replaces only the text between the markers, and refuses a README without them', () => {
    const readme = `intro\n${README_START}\nold table\n${README_END}\noutro\n`;
    const out = replaceReadmeTable(readme, '| new |');
    expect(out).toBe(`intro\n${README_START}\n\n| new |\n\n${README_END}\noutro\n`);
    expect(replaceReadmeTable(out, '| new |')).toBe(out);
    expect(() => replaceReadmeTable('no markers', 'x')).toThrow(/markers/);
  });
});
