// The scenario runner of `npm run bench`: selection by --only, a failing or hanging scenario does not end the run,
// and the progress display.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../bench/lib/progress.js';
import { runScenarios, selectScenarios } from '../../../bench/lib/runner.js';
import type { BenchRow, Scenario } from '../../../bench/lib/types.js';

const row = (group: string): BenchRow => ({
  group,
  name: 'n',
  unit: 'records/s',
  sluice: { throughput: 1 },
  params: {},
});
const ok = (id: string): Scenario => ({
  id,
  title: id,
  run: (ctx) => {
    ctx.progress(`working on ${id}`);
    return Promise.resolve([row(id)]);
  },
});
const failing: Scenario = { id: 'kafka', title: 'Kafka', run: () => Promise.reject(new Error('no Kafka server')) };
const throwing: Scenario = {
  id: 'redis',
  title: 'Redis',
  run: () => {
    throw new Error('sync throw');
  },
};
/** Never finishes, and keeps reporting progress after its time is up. */
const hanging: Scenario = {
  id: 'hang',
  title: 'Hang',
  run: (ctx) => {
    setTimeout(() => ctx.progress('still here'), 80).unref();
    return new Promise<BenchRow[]>(() => {});
  },
};

function recorder() {
  const lines: string[] = [];
  return { lines, progress: createProgress({ tty: false, write: (s) => lines.push(s), now: () => 0 }) };
}

describe('bench runner', () => {
  it('records a failed, throwing or hung scenario and goes on with the next', async () => {
    const { lines, progress } = recorder();
    const out = await runScenarios([ok('sqs'), failing, throwing, hanging, ok('filter')], {
      quick: true,
      progress,
      timeoutMs: 50,
    });
    expect(out.rows.map((r) => r.group)).toEqual(['sqs', 'filter']);
    expect(out.scenarios.map((s) => [s.id, s.ok, s.error])).toEqual([
      ['sqs', true, undefined],
      ['kafka', false, 'no Kafka server'],
      ['redis', false, 'sync throw'],
      ['hang', false, 'hang did not finish within 0.05 s'],
      ['filter', true, undefined],
    ]);
    expect(lines).toContain('[1/5] sqs: working on sqs (0s)\n');
    expect(lines).toContain('[2/5] kafka: FAILED in 0s — no Kafka server\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.join('')).not.toContain('still here');
  });

  it('selects by id or id family with --only, in the suite order, and rejects unknown ids', () => {
    const all = [ok('sqs'), ok('kinesis'), ok('scale-batch'), ok('scale-shards')];
    expect(selectScenarios(all, undefined)).toHaveLength(4);
    expect(selectScenarios(all, ['scale', 'sqs']).map((s) => s.id)).toEqual(['sqs', 'scale-batch', 'scale-shards']);
    expect(() => selectScenarios(all, ['sqs', 'nope'])).toThrow(/unknown scenario\(s\): nope; known: sqs, kinesis/);
  });

  it('rewrites one line on a terminal', () => {
    const writes: string[] = [];
    const p = createProgress({ tty: true, write: (s) => writes.push(s), now: () => 0 });
    p.begin(2, 7, 'kinesis');
    p.message('throughput round 1/2: raw');
    p.end(true, '1 row(s)');
    p.close();
    expect(writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes[1]).toContain('[2/7] kinesis: throughput round 1/2: raw · 0s');
    expect(writes[2]).toBe('\r\x1b[2K[2/7] kinesis: done in 0s — 1 row(s)\n');
  });
});
