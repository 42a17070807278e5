import { startApp } from '../app/app.js';
import { loadConfigFile, type LoadResult } from '../config/loader.js';
import { formatProblems } from '../config/problems.js';
import { createLogger } from '../observability/logger.js';
import { logProcessWarnings } from '../observability/process-warnings.js';
import { reloadConfig, watchForChanges } from '../app/watch.js';
import { parseCommandArgs } from './args.js';
import { EXIT, START_HELP } from './help.js';
import { loadTemplateArgs, wantsTemplate } from './import.js';
import type { CliIo } from './io.js';
import cluster from 'node:cluster';
import { joinPrimary, runPrimary, workerCount } from '../app/workers.js';

/** The config file's, or a template's imported in memory (--template). */
async function configOf(argv: string[], io: CliIo): Promise<{ name: string; result: LoadResult } | number> {
  if (wantsTemplate(argv)) return loadTemplateArgs(argv, io, START_HELP);
  const args = parseCommandArgs(argv, io, START_HELP);
  if (typeof args === 'number') return args;
  return { name: args.config, result: await loadConfigFile(args.config, io.env) };
}

/** Runs until SIGTERM/SIGINT (SIGHUP reloads the config); resolves with the exit code. */
export async function runStart(argvIn: string[], io: CliIo): Promise<number> {
  const watching = argvIn.includes('--watch') || argvIn.includes('-w');
  const workers = workersOption(argvIn.filter((a) => a !== '--watch' && a !== '-w'));
  if (typeof workers === 'string') {
    io.stderr(`${workers}\n\n${START_HELP}`);
    return EXIT.usage;
  }
  const argv = workers.rest;
  const source = await configOf(argv, io);
  if (typeof source === 'number') return source;
  const { name, result } = source;
  if (result.config === undefined) {
    io.stderr(`sluice will not start: ${name} is invalid:\n${formatProblems(result.problems, name)}\n`);
    return EXIT.usage;
  }
  const root = createLogger(result.config.logLevel);
  // --workers: each worker's lines say which worker (its slot, kept across restarts) and process wrote them.
  const logger = cluster.isWorker
    ? root.child({ worker: Number(process.env.SLUICE_WORKER_INDEX ?? 0), pid: process.pid })
    : root;
  logProcessWarnings(logger);
  const inWorker = cluster.isWorker;
  if (!inWorker)
    for (const w of result.warnings) logger.warn({ path: w.path, line: w.line, column: w.column }, w.message);
  if (!inWorker) {
    const plan = workerCount(workers.count ?? result.config.server.workers, result.config.state.type);
    if (plan.warning !== undefined) logger.warn({ workers: plan.count }, plan.warning);
    if (plan.count > 1)
      return runPrimary({
        count: plan.count,
        args: ['start', ...argvIn],
        logger,
        graceMs: result.config.server.shutdownGraceSeconds * 1000,
      });
  }
  // Every signal is taken from the start: without a handler, a SIGTERM that lands between the "started" line and
  // the handler (a loaded machine) would kill the process outright. One while starting acts once started; a
  // second SIGTERM/SIGINT while starting ends the process at once.
  const startStopMs = result.config.server.shutdownGraceSeconds * 1000 + START_STOP_MARGIN_MS;
  let hupWhileStarting = false;
  let stopWhileStarting: string | undefined;
  let startStopTimer: NodeJS.Timeout | undefined;
  let reload = (): Promise<unknown> => Promise.resolve((hupWhileStarting = true));
  let shutdown = (signal: string): void => {
    if (stopWhileStarting !== undefined) process.exit(EXIT.failure);
    stopWhileStarting = signal;
    logger.info({ signal }, 'stop requested while starting; stopping once started');
    // A start that never finishes (a state store that does not answer) must not outlive the shutdown deadline.
    startStopTimer = setTimeout(() => process.exit(EXIT.failure), startStopMs).unref();
  };
  const onHup = () => void reload();
  const onTerm = () => shutdown('SIGTERM');
  const onInt = () => shutdown('SIGINT');
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  let app;
  try {
    app = await startApp(result.config, logger);
  } catch (err) {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    logger.error({ err }, 'sluice could not start');
    return leavePrimary(EXIT.failure);
  }
  clearTimeout(startStopTimer);
  const running = app;
  // The file (or template) is read again as at start.
  const load = async () => {
    const again = await configOf(argv, io);
    return typeof again === 'number' ? undefined : again.result;
  };
  reload = () =>
    reloadConfig(running, name, load, logger).catch((err: unknown) => logger.error({ err }, 'config reload failed'));
  if (hupWhileStarting && stopWhileStarting === undefined) void reload();
  const watcher = watching ? watchForChanges(running, name, reload, logger) : undefined;
  return new Promise<number>((resolve) => {
    let draining = false;
    shutdown = (signal: string) => {
      // A worker gets Ctrl-C from the terminal and from the primary: the second must not kill the drain.
      if (draining) return;
      draining = true;
      if (!inWorker) {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
      }
      process.off('SIGHUP', onHup);
      watcher?.close();
      void running
        .stop(signal)
        .then(
          () => EXIT.ok,
          (err: unknown) => {
            logger.error({ err }, 'error during shutdown');
            return EXIT.failure;
          },
        )
        .then((code) => resolve(leavePrimary(code)));
    };
    if (inWorker) joinPrimary(running.metrics, shutdown);
    if (stopWhileStarting !== undefined) shutdown(stopWhileStarting);
  });
}

/** Past the grace period, a start interrupted by a signal gets this much longer before the process ends. */
const START_STOP_MARGIN_MS = 3_000;

/** A worker's IPC channel to the primary would keep it alive once its work is done. */
function leavePrimary(code: number): number {
  if (cluster.isWorker && process.connected) process.disconnect();
  return code;
}

/** `--workers N` (or `--workers=N`) taken out of the arguments. */
function workersOption(argv: string[]): { count?: number; rest: string[] } | string {
  const rest: string[] = [];
  let count: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a !== '--workers' && !a.startsWith('--workers=')) {
      rest.push(a);
      continue;
    }
    const value = a === '--workers' ? argv[++i] : a.slice('--workers='.length);
    count = Number(value);
    if (!Number.isInteger(count) || count < 1 || count > 256)
      return `--workers takes a whole number of processes from 1 to 256, not ${value ?? 'nothing'}`;
  }
  return { ...(count === undefined ? {} : { count }), rest };
}
