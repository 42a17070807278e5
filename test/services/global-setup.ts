// vitest globalSetup of the `integration` project: starts the real servers once per run (in parallel, dynamic
// loopback ports, per-run data dirs) and hands their addresses to the tests via provide/inject (see inject.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { say, seconds, timed } from './log.js';
import { startServers } from './orchestrate.js';
import { servicesFile } from './paths.js';
import { parseSelection } from './selection.js';
import { answeringServers, readServicesFile } from './services-file.js';
import type { ServersInfo } from './types.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const selection = parseSelection();
  let reused: ServersInfo = {};
  if (process.env.SLUICE_TEST_SERVERS_REUSE === '1') {
    const file = readServicesFile();
    if (file) {
      reused = await answeringServers(file, selection.names);
      const names = Object.keys(reused);
      if (names.length) say(`reusing ${names.join(', ')} from ${servicesFile} (npm run services:up)`);
    } else {
      say(`SLUICE_TEST_SERVERS_REUSE=1 but ${servicesFile} does not exist; starting servers`);
    }
  }
  const toStart = selection.names.filter((n) => !(n in reused));
  if (selection.raw !== 'all') say(`SLUICE_TEST_SERVERS=${selection.raw}: only ${selection.names.join(', ')}`);

  const rootDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-test-servers-'));
  let started;
  try {
    started = await startServers(toStart, { rootDir, background: false });
  } catch (e) {
    say(`server data and logs kept in ${rootDir}`);
    throw e;
  }
  project.provide('sluiceServers', {
    servers: { ...reused, ...started.info },
    requested: selection.names,
    selection: selection.raw,
  });

  return async () => {
    const { ms } = await timed(() => started.stop());
    rmSync(rootDir, { recursive: true, force: true });
    if (toStart.length) say(`stopped ${toStart.join(', ')} in ${seconds(ms)}`);
    for (const t of started.timings) {
      say(
        `timing ${t.name.padEnd(9)} install ${seconds(t.installMs).padStart(6)}  start ${seconds(t.startMs).padStart(6)}`,
      );
    }
  };
}
