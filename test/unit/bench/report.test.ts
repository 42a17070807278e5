// The pure parts of `npm run bench`: the stdout table, the latest.json shape and the self-contained HTML report.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../bench/report/html.js';
import { buildResults, resultsJson, type BenchResults } from '../../../bench/report/results.js';
import { decadeTicks, niceTicks } from '../../../bench/report/svg.js';
import { formatTable } from '../../../bench/report/text-table.js';
import { machine, rows } from './fixtures.js';

function results(overrides: Partial<Parameters<typeof buildResults>[0]> = {}): BenchResults {
  return buildResults({
    date: new Date('2026-11-23T20:00:00Z'),
    quick: true,
    durationMs: 123_456.7,
    machine,
    scenarios: [
      { id: 'sqs', title: 'SQS', ok: true, durationMs: 1000, rows: 1 },
      { id: 'kafka', title: 'Kafka', ok: false, durationMs: 5, rows: 0, error: 'no Kafka server: set X' },
    ],
    rows,
    ...overrides,
  });
}

describe('bench text table', () => {
  it('prints one aligned line per row, a FAILED line per failed scenario, and the machine', () => {
    const lines = formatTable(results()).split('\n');
    expect(lines[0]).toMatch(
      /^group\s+name\s+sluice\/s\s+raw\/s\s+ratio\s+sluice min–max\s+raw min–max\s+sluice p50\/p99 ms/,
    );
    const sqs = lines.find((l) => l.startsWith('sqs '));
    expect(sqs).toContain('4,013');
    // #20-5 the median with the spread of the rounds next to it
    expect(sqs).toContain('3.9k–4.3k');
    expect(sqs).toContain('4.0k–4.1k');
    expect(sqs).toContain('4,100');
    expect(sqs).toContain('0.98');
    expect(sqs).toContain('13.0 / 43.0');
    expect(sqs).toContain('42');
    expect(sqs).toContain('150');
    // a row without a raw side shows dashes, not NaN
    const filter = lines.find((l) => l.startsWith('filter '));
    expect(filter).toContain('6,900,000');
    expect(filter).not.toContain('NaN');
    // every row line has its ratio column at the same offset (numbers right-aligned)
    const ratioEnd = lines[0]!.indexOf('ratio') + 'ratio'.length;
    for (const l of lines.slice(2, 2 + rows.length))
      expect(l.slice(ratioEnd - 4, ratioEnd)).toMatch(/^(\d\.\d\d|\s+-)$/);
    expect(lines.some((l) => /^kafka\s+FAILED after .*: no Kafka server/.test(l))).toBe(true);
    expect(lines.join('\n')).toContain('2 × Test CPU');
  });
});

describe('bench latest.json', () => {
  it('holds date, machine, quick flag, duration, scenario outcomes and rows with their ratio', () => {
    const parsed = JSON.parse(resultsJson(results({ only: ['sqs', 'kafka'] }))) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(
      ['date', 'durationMs', 'machine', 'only', 'quick', 'rows', 'scenarios', 'version'].sort(),
    );
    expect(parsed).toMatchObject({
      version: 1,
      date: '2026-11-23T20:00:00.000Z',
      quick: true,
      only: ['sqs', 'kafka'],
      durationMs: 123_457,
      machine: { cpus: { count: 2, model: 'Test CPU' }, totalMemoryMb: 8192, node: 'v20.11.0' },
    });
    const scenarios = parsed.scenarios as Array<Record<string, unknown>>;
    expect(scenarios[1]).toEqual({
      id: 'kafka',
      title: 'Kafka',
      ok: false,
      durationMs: 5,
      rows: 0,
      error: 'no Kafka server: set X',
    });
    const out = parsed.rows as Array<Record<string, unknown>>;
    expect(out).toHaveLength(rows.length);
    expect(out[0]!.ratio).toBeCloseTo(4012.7 / 4100);
    expect(out[2]).not.toHaveProperty('ratio');
  });

  it('writes no samples as null, not as an invalid NaN', () => {
    const r = results({
      rows: [
        {
          group: 'x',
          name: 'y',
          unit: 'u',
          sluice: { throughput: 1, latency: { p50: NaN, p99: NaN, samples: 0 } },
          params: {},
        },
      ],
    });
    expect(resultsJson(r)).toContain('"p50": null');
    expect(formatTable(r)).not.toContain('NaN');
  });
});

describe('bench HTML report', () => {
  const html = renderHtml(results());

  it('is self-contained: no external URL, script, stylesheet link or image', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('has throughput and latency bars per source, the ratio chart with the 0.9 line, and scale line charts', () => {
    const titles = [...html.matchAll(/<svg[^>]*>\s*<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'sluice throughput as a share of the raw client loop',
      'SQS queue (ElasticMQ): throughput of sluice next to the raw client',
      'SQS queue (ElasticMQ): latency from the source to the handler',
      'Async invocation queue: throughput of sluice next to the raw client',
      'Async invocation queue: latency from the source to the handler',
      'Event filter patterns: throughput of sluice',
      'Scale batch: throughput',
      'Scale batch: latency from the source to the handler',
      'Scale batch: peak memory (RSS) of the sluice process',
    ]);
    expect(html).toContain('class="reference"');
    expect(html).toContain('target 0.9');
    // a line chart draws a path through its three points, x named after the param holding it
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
    expect(html).toContain('>batchSize (log scale)</text>'); // 1 … 100 spans decades
    // the ratio chart leaves out the scale curves and rows without a raw side
    const ratioSvg = html.slice(html.indexOf('<title>sluice throughput as a share'), html.indexOf('</svg>'));
    expect(ratioSvg).toContain('sqs: drain');
    expect(ratioSvg).not.toContain('scale-batch');
    expect(ratioSvg).not.toContain('filter:');
  });

  it('#20-6 opens with one summary line per source (no scale curves) before any chart or table', () => {
    const start = html.indexOf('<ul class="summary">');
    const summary = html.slice(start, html.indexOf('</ul>', start));
    expect(html.indexOf('<ul class="summary">')).toBeLessThan(html.indexOf('<svg'));
    expect(html.indexOf('<svg')).toBeLessThan(html.indexOf('<table'));
    const lines = [...summary.matchAll(/<li[^>]*>([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(lines).toEqual([
      "SQS queue (ElasticMQ): sluice up to 4,013 records/s; 0.98 of the raw client's throughput over 1 row, at or above the 0.9 target.",
      "Async invocation queue: sluice up to 1,600 events/s; 0.70 of the raw client's throughput over 1 row, below the 0.9 target.",
      'Event filter patterns: sluice up to 6,900,000 records/s; no raw client to compare with (1 row).',
    ]);
  });

  it('#20-6 uses a log axis where the values span decades, a linear one elsewhere', () => {
    const chart = (title: string) =>
      html.slice(html.indexOf(`<title>${title}`), html.indexOf('</svg>', html.indexOf(`<title>${title}`)));
    // async latency: p50 0.05 ms … p99 4.98 ms
    expect(chart('Async invocation queue: latency')).toContain('ms (log scale)');
    // sqs latency 12 … 43 ms, and the ratio chart, stay linear
    expect(chart('SQS queue (ElasticMQ): latency')).not.toContain('log scale');
    expect(chart('sluice throughput as a share')).not.toContain('log scale');
    // scale-batch latency 1 … 200 ms on the y axis
    expect(chart('Scale batch: latency')).toMatch(/>ms \(log scale\)<\/text>/);
  });

  it('draws well-formed SVG: no attribute twice on one element', () => {
    for (const tag of html.match(/<(svg|rect|text|line|path|circle)\b[^>]*>/g) ?? []) {
      const names = [...tag.matchAll(/\s([\w-]+)="/g)].map((m) => m[1]);
      expect(new Set(names).size, tag).toBe(names.length);
    }
  });

  it('escapes text from rows and errors, and lists failed scenarios', () => {
    expect(html).toContain('ElasticMQ &lt;queue&gt; &amp; co');
    expect(html).not.toContain('<queue>');
    expect(html).toMatch(/1 scenario\(s\) failed.*kafka.*no Kafka server/s);
  });
});

describe('bench chart axes', () => {
  it('picks round ticks covering the maximum', () => {
    expect(niceTicks(4100)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(niceTicks(0.98)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(10_708)).toEqual([0, 2500, 5000, 7500, 10_000, 12_500]);
    expect(decadeTicks(1, 250)).toEqual([1, 10, 100, 1000]);
  });
});
