// `npm run services:up` / `services:down` / `services:status`: long-lived servers for local development.
import { mkdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { say, seconds, timed } from './log.js';
import { installPromtool } from './promtool.js';
import { SERVERS } from './servers/index.js';
import { otherKafkaInstalls } from './servers/kafka.js';
import type { ServerDef } from './servers/server.js';
import { startServers } from './orchestrate.js';
import { cacheDir, servicesDir, servicesFile } from './paths.js';
import { stopProcessGroup, groupAlive } from './proc.js';
import { buildGoBootstrap } from './go-bootstrap.js';
import { buildJavaHandler } from './java-ric.js';
import { installAwsLambdaRic } from './python-venv.js';
import { parseSelection } from './selection.js';
import { answeringServers, readServicesFile } from './services-file.js';
import type { ServicesFile } from './services-file.js';
import { connectionsBlock, serverEnv } from './connections.js';
import type { ServerName } from './types.js';

async function up(): Promise<void> {
  const { names } = parseSelection();
  const existing = readServicesFile();
  if (existing) {
    const answering = await answeringServers(existing, names);
    const missing = names.filter((n) => !(n in answering));
    if (!missing.length) {
      say(`already running (${servicesFile}); 'npm run services:down' stops them`);
      process.stdout.write(`${connectionsBlock(existing.servers)}\n`);
      return;
    }
    // A server the file never had (e.g. one added to the harness since) joins the running ones; no restart.
    if (missing.every((n) => !(n in existing.servers))) return addServers(existing, missing);
    say('a previous services:up is (partly) down; stopping it and starting fresh');
    await down();
  }
  const rootDir = path.join(servicesDir, 'data');
  rmSync(rootDir, { recursive: true, force: true });
  mkdirSync(rootDir, { recursive: true });
  const started = await startServers(names, { rootDir, background: true });
  const file: ServicesFile = {
    rootDir,
    servers: started.info,
    processes: Object.fromEntries(
      Object.entries(started.procs).map(([n, p]) => [n, { pid: p.pid, logFile: p.logFile }]),
    ),
  };
  writeFileSync(servicesFile, `${JSON.stringify(file, null, 2)}\n`);
  say(`wrote ${servicesFile}; logs in ${rootDir}/<server>/; stop with 'npm run services:down'`);
  say('tests can reuse these servers: SLUICE_TEST_SERVERS_REUSE=1 npm test');
  say(
    `or export them: ${Object.entries(serverEnv(started.info))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  process.stdout.write(`${connectionsBlock(started.info)}\n`);
}

async function addServers(file: ServicesFile, names: ServerName[]): Promise<void> {
  say(`adding ${names.join(', ')} to the servers of ${servicesFile}`);
  const started = await startServers(names, { rootDir: file.rootDir, background: true });
  const merged: ServicesFile = {
    rootDir: file.rootDir,
    servers: { ...file.servers, ...started.info },
    processes: {
      ...file.processes,
      ...Object.fromEntries(Object.entries(started.procs).map(([n, p]) => [n, { pid: p.pid, logFile: p.logFile }])),
    },
  };
  writeFileSync(servicesFile, `${JSON.stringify(merged, null, 2)}\n`);
  process.stdout.write(`${connectionsBlock(merged.servers)}\n`);
}

async function down(): Promise<void> {
  const file = readServicesFile();
  if (!file) {
    say(`nothing to stop (${servicesFile} does not exist)`);
    return;
  }
  await Promise.all(
    Object.entries(file.processes).map(async ([name, p]) => {
      if (!p) return;
      // Only signal a group whose leader still runs with its data dir in argv (pids get reused).
      if (!groupAlive(p.pid) || !ownsDataDir(p.pid, path.dirname(p.logFile))) {
        say(`${name}: not running`);
        return;
      }
      await stopProcessGroup(p.pid);
      say(`${name}: stopped (pid ${p.pid})`);
    }),
  );
  rmSync(servicesFile, { force: true });
  rmSync(file.rootDir, { recursive: true, force: true });
}

/** Servers run with their data dir as working directory; a recycled pid will not. */
function ownsDataDir(pid: number, dataDir: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === dataDir;
  } catch {
    return false;
  }
}

async function status(): Promise<void> {
  const file = readServicesFile();
  if (!file) {
    say('not running');
    process.exitCode = 1;
    return;
  }
  const names = Object.keys(file.servers) as ServerName[];
  const answering = await answeringServers(file, names);
  for (const n of names) say(`${n.padEnd(9)} ${n in answering ? 'up  ' : 'DOWN'} ${JSON.stringify(file.servers[n])}`);
  if (names.some((n) => !(n in answering))) process.exitCode = 1;
  process.stdout.write(`${connectionsBlock(file.servers)}\n`);
}

/** Idempotent install of the selected servers into the cache (CI runs it before the tests to time it apart). */
async function install(): Promise<void> {
  const { names } = parseSelection();
  // Not a server: the /metrics test's linter. Only CI insists (the test is skipped where it is not built).
  try {
    const { ms } = await timed(installPromtool);
    say(`${'promtool (Go build)'.padEnd(34)} install ${seconds(ms).padStart(6)}`);
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    say(`promtool not built, its /metrics test will be skipped: ${(err as Error).message.split('\n')[0]}`);
  }
  for (const name of names) {
    const def = SERVERS[name] as ServerDef;
    const { ms } = await timed(() => def.install());
    say(`${def.title.padEnd(34)} install ${seconds(ms).padStart(6)}  (cache: ${cacheDir()})`);
  }
  const extra = names.includes('kafka') ? otherKafkaInstalls : [];
  for (const other of extra) {
    const { ms } = await timed(other.install);
    say(`${other.title.padEnd(34)} install ${seconds(ms).padStart(6)}  (optional)`);
  }
  // Runtime interface clients for the runtime conformance suite (#19): not servers, so always installed.
  const ric = await timed(installAwsLambdaRic);
  say(`${'Python awslambdaric venv'.padEnd(34)} install ${seconds(ric.ms).padStart(6)}  (cache: ${cacheDir()})`);
  const go = await timed(buildGoBootstrap);
  say(`${'Go conformance bootstrap'.padEnd(34)} build   ${seconds(go.ms).padStart(6)}  (cache: ${cacheDir()})`);
  const java = await timed(buildJavaHandler);
  say(`${'Java RIC + conformance handler'.padEnd(34)} install ${seconds(java.ms).padStart(6)}  (cache: ${cacheDir()})`);
}

const commands: Record<string, () => Promise<void>> = { install, up, down, status };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  say('usage: tsx test/services/cli.ts install|up|down|status   (SLUICE_TEST_SERVERS=redis,sqs for a subset)');
  process.exit(2);
}
try {
  await command();
  // Background servers are unref'd; exit explicitly so no client socket keeps us alive.
  process.exit();
} catch (e) {
  say(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
