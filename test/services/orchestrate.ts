import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { say, seconds, timed } from './log.js';
import type { ServerProcess } from './proc.js';
import { SERVERS } from './servers/index.js';
import type { ServerDef } from './servers/server.js';
import type { ServerName, ServersInfo } from './types.js';

export interface Timing {
  name: ServerName;
  installMs: number;
  startMs: number;
}

export interface StartedServers {
  info: ServersInfo;
  procs: Partial<Record<ServerName, ServerProcess>>;
  timings: Timing[];
  stop(): Promise<void>;
}

/**
 * Installs (idempotent, cached) and starts the named servers in parallel, each in `<rootDir>/<name>`. Every server
 * starts as soon as its own install is done. If any fails, the others are stopped and the error carries each
 * failing server's own log tail.
 */
export async function startServers(
  names: ServerName[],
  opts: { rootDir: string; background: boolean },
): Promise<StartedServers> {
  const info: ServersInfo = {};
  const procs: Partial<Record<ServerName, ServerProcess>> = {};
  const timings: Timing[] = [];

  const one = async <N extends ServerName>(def: ServerDef<N>) => {
    const installed = await timed(() => def.install());
    const dataDir = path.join(opts.rootDir, def.name);
    mkdirSync(dataDir, { recursive: true });
    const started = await timed(() => def.start({ dataDir, background: opts.background }));
    (info as Record<string, unknown>)[def.name] = started.value.info;
    procs[def.name] = started.value.proc;
    timings.push({ name: def.name, installMs: installed.ms, startMs: started.ms });
    say(
      `${def.title.padEnd(34)} install ${seconds(installed.ms).padStart(6)}  start ${seconds(started.ms).padStart(6)}` +
        `  ${JSON.stringify(started.value.info)}`,
    );
  };

  const t0 = performance.now();
  const results = await Promise.allSettled(names.map((n) => one(SERVERS[n] as ServerDef)));
  const stop = async () => {
    await Promise.all(Object.values(procs).map((p) => p.stop()));
  };
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ name: names[i], error: r.reason as unknown }] : [],
  );
  if (failures.length) {
    await stop();
    const detail = failures.map((f) => `### ${f.name}: ${errorText(f.error)}`).join('\n\n');
    throw new Error(`Test server(s) failed to start: ${failures.map((f) => f.name).join(', ')}\n\n${detail}`);
  }
  if (names.length) say(`${names.join(', ')} ready in ${seconds(performance.now() - t0)} (started in parallel)`);
  return { info, procs, timings, stop };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
