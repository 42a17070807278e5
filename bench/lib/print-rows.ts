// Prints BenchRows for the single-scenario CLIs: throughput both sides, the ratio, latency and cost.
import { ratioOf, type BenchRow, type Side } from './types.js';

const lat = (s: Side) =>
  s.latency ? `p50 ${s.latency.p50} ms  p99 ${s.latency.p99} ms (${s.latency.samples} records)` : '';
const cost = (s: Side) => (s.cost ? `cpu ${s.cost.cpuPercent.toFixed(0)}%  rss ${s.cost.rssMb.toFixed(0)} MB` : '');

export function printRows(rows: readonly BenchRow[]): void {
  for (const row of rows) {
    console.log(`${row.group}: ${row.name}`);
    if (row.raw)
      console.log(`  raw     ${Math.round(row.raw.throughput)} ${row.unit}   ${lat(row.raw)}   ${cost(row.raw)}`);
    console.log(
      `  sluice  ${Math.round(row.sluice.throughput)} ${row.unit}   ${lat(row.sluice)}   ${cost(row.sluice)}`,
    );
    const ratio = ratioOf(row);
    if (ratio !== undefined) console.log(`  ratio sluice/raw ${ratio.toFixed(2)}`);
    const rounds = Object.entries(row.params).filter(([k]) => k.endsWith('Rates') || k.endsWith('PerRecord'));
    if (rounds.length > 0) console.log(`  rounds: ${rounds.map(([k, v]) => `${k} ${String(v)}`).join('   ')}`);
    const sparse = row.params;
    if (sparse.sparseRate !== undefined)
      console.log(
        `  sparse latency at ${String(sparse.sparseRate)} ${row.unit}: raw p50 ${String(sparse.rawSparseP50)} ms ` +
          `p99 ${String(sparse.rawSparseP99)} ms   sluice p50 ${String(sparse.sluiceSparseP50)} ms ` +
          `p99 ${String(sparse.sluiceSparseP99)} ms`,
      );
    if (row.notes) console.log(`  ${row.notes}`);
  }
}
