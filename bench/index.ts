// npm run bench [-- --quick] [--only sqs,kinesis] [--no-write] [--update-readme]
// Runs the benchmark scenarios in order, prints one table to stdout and writes bench/results/latest.json and the
// self-contained bench/results/report.html (unless --no-write); --update-readme also rewrites the README's table
// from the run (with --report-only: from the saved latest.json). Servers: env vars, else .services/servers.json
// (`npm run services:up`). Exits non-zero when any scenario failed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { createProgress } from './lib/progress.js';
import { runScenarios, selectScenarios } from './lib/runner.js';
import type { Scenario } from './lib/types.js';
import { renderHtml } from './report/html.js';
import { machineInfo } from './report/machine.js';
import { buildResults, failedScenarios, resultsJson, type BenchResults } from './report/results.js';
import { readmeTable, replaceReadmeTable } from './report/readme-table.js';
import { formatTable } from './report/text-table.js';
import { scaleScenarios } from './scale/index.js';
import { asyncScenario } from './scenarios/async.js';
import { dynamodbScenario } from './scenarios/dynamodb.js';
import { filterScenario } from './scenarios/filter.js';
import { kafkaScenario } from './scenarios/kafka.js';
import { kinesisScenario } from './scenarios/kinesis.js';
import { redisScenario } from './scenarios/redis.js';
import { runtimesScenario } from './scenarios/runtimes.js';
import { sqsScenario } from './scenarios/sqs.js';

const ALL: Scenario[] = [
  sqsScenario,
  kinesisScenario,
  dynamodbScenario,
  kafkaScenario,
  redisScenario,
  asyncScenario,
  filterScenario,
  runtimesScenario,
  ...scaleScenarios,
];
const RESULTS_DIR = 'bench/results';

/** Rewrites the README's table from `results`, formatted as `npm run format:check` wants it. */
async function updateReadme(results: BenchResults): Promise<void> {
  const text = replaceReadmeTable(readFileSync('README.md', 'utf8'), readmeTable(results));
  const options = (await prettier.resolveConfig('README.md')) ?? {};
  writeFileSync('README.md', await prettier.format(text, { ...options, filepath: 'README.md' }));
  process.stdout.write('rewrote the benchmark table in README.md\n');
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
    'update-readme': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'npm run bench [-- --quick] [--only id,id] [--no-write]\n' +
      'npm run bench -- --report-only   (re-renders report.html from latest.json, runs nothing)\n' +
      'npm run bench -- --update-readme (also rewrites the README table; with --report-only from latest.json)\n' +
      `scenarios: ${ALL.map((s) => s.id).join(', ')}\n` +
      `writes ${RESULTS_DIR}/latest.json and ${RESULTS_DIR}/report.html\n`,
  );
  process.exit(0);
}

if (values['report-only']) {
  const saved = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchResults;
  writeFileSync(path.join(RESULTS_DIR, 'report.html'), renderHtml(saved));
  process.stdout.write(`wrote ${RESULTS_DIR}/report.html from ${RESULTS_DIR}/latest.json\n`);
  if (values['update-readme']) await updateReadme(saved);
  process.exit(0);
}

const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
let selected: Scenario[];
try {
  selected = selectScenarios(ALL, only);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

// Work a failed scenario left behind (a poller still running) must not end the run with an unhandled rejection.
let strays = 0;
const stray = (what: string) => (reason: unknown) => {
  strays++;
  process.stderr.write(`\n${what} (left behind by a scenario): ${String(reason)}\n`);
};
process.on('unhandledRejection', stray('unhandled rejection'));
process.on('uncaughtException', stray('uncaught exception'));

const quick = values.quick;
const started = new Date();
const t0 = performance.now();
const progress = createProgress({ tty: process.stderr.isTTY, write: (s) => process.stderr.write(s) });
const outcome = await runScenarios(selected, { quick, progress, timeoutMs: (quick ? 4 : 20) * 60_000 });
const results = buildResults({
  date: started,
  quick,
  ...(only ? { only } : {}),
  durationMs: performance.now() - t0,
  machine: machineInfo(),
  scenarios: outcome.scenarios,
  rows: outcome.rows,
});

process.stdout.write(`\n${formatTable(results)}`);
if (!values['no-write']) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), resultsJson(results));
  writeFileSync(path.join(RESULTS_DIR, 'report.html'), renderHtml(results));
  process.stdout.write(`wrote ${RESULTS_DIR}/latest.json and ${RESULTS_DIR}/report.html\n`);
}
if (values['update-readme']) await updateReadme(results);
const failed = failedScenarios(results);
if (failed.length > 0)
  process.stderr.write(`${failed.length} scenario(s) failed: ${failed.map((s) => s.id).join(', ')}\n`);
if (strays > 0) process.stderr.write(`${strays} stray error(s) during the run\n`);
// Explicit exit: a failed scenario may have left sockets or timers open.
process.exit(failed.length > 0 || strays > 0 ? 1 : 0);
