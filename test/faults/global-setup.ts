// globalSetup of the faults suite: the integration servers (shared ones with SLUICE_TEST_SERVERS_REUSE=1),
// plus one results file the scenarios append their audit rows to; the table of all rows is printed at the end.
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import servicesSetup from '../services/global-setup.js';
import { formatTable, type AuditRow } from './harness.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-faults-results-')), 'rows.jsonl');
  process.env.SLUICE_FAULTS_RESULTS = file;
  const teardown = await servicesSetup(project);
  return async () => {
    if (existsSync(file)) {
      const rows = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as AuditRow)
        .sort((a, b) => a.scenario.localeCompare(b.scenario));
      const table = formatTable(rows);
      process.stdout.write(`\nfault-injection results (${new Date().toISOString()})\n${table}\n`);
      // SLUICE_FAULTS_TABLE=path keeps the markdown table, e.g. for docs/faults.md.
      if (process.env.SLUICE_FAULTS_TABLE) writeFileSync(process.env.SLUICE_FAULTS_TABLE, `${table}\n`);
    }
    await teardown();
  };
}
