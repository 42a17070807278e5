// Runs the scale curves on their own and prints the rows (the aggregator, `npm run bench`, does the same for all).
//   npx tsx bench/scale/cli.ts [--quick] [--only scale-batch-size,scale-shards] [--json] [--out rows.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BenchRow } from '../lib/types.js';
import { scaleScenarios } from './index.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const outAt = argv.indexOf('--out');
const out = outAt === -1 ? undefined : argv[outAt + 1];
const onlyAt = argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set((argv[onlyAt + 1] ?? '').split(','));

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '' : n.toFixed(digits));
const all: BenchRow[] = [];
const t0 = Date.now();
for (const scenario of scaleScenarios) {
  if (only !== undefined && !only.has(scenario.id)) continue;
  const started = Date.now();
  const load = loadavg()[0]!.toFixed(1);
  const rows = await scenario.run({ quick, progress: (m) => process.stderr.write(`  ${m}\n`) });
  all.push(...rows);
  if (json) continue;
  console.log(
    `\n${scenario.title} (${scenario.id}, ${((Date.now() - started) / 1000).toFixed(1)} s, load average ${load} → ${loadavg()[0]!.toFixed(1)})`,
  );
  for (const r of rows)
    console.log(
      [
        `  ${r.name.padEnd(48)}`,
        `x=${fmt(r.x)}`.padEnd(9),
        `${fmt(r.sluice.throughput)} ${r.unit}`.padEnd(24),
        r.sluice.cost ? `cpu ${fmt(r.sluice.cost.cpuPercent)}%  rss ${fmt(r.sluice.cost.rssMb)} MB` : '',
      ].join(' '),
      `\n      ${Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
}
if (out !== undefined) writeFileSync(out, JSON.stringify(all, null, 2) + '\n');
if (json) console.log(JSON.stringify(all, null, 2));
else console.log(`\n${all.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s${quick ? ' (quick)' : ''}`);
