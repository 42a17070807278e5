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
  const argv = argvIn.filter((a) => a !== '--watch' && a !== '-w');
  const source = await configOf(argv, io);
  if (typeof source === 'number') return source;
  const { name, result } = source;
  if (result.config === undefined) {
    io.stderr(`sluice will not start: ${name} is invalid:\n${formatProblems(result.problems, name)}\n`);
    return EXIT.usage;
  }
  const logger = createLogger(result.config.logLevel);
  logProcessWarnings(logger);
  for (const w of result.warnings) logger.warn({ path: w.path, line: w.line, column: w.column }, w.message);
  // Taken from the start: SIGHUP's default would end the process; one while starting reloads once started.
  let hupWhileStarting = false;
  let reload = (): Promise<unknown> => Promise.resolve((hupWhileStarting = true));
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);
  let app;
  try {
    app = await startApp(result.config, logger);
  } catch (err) {
    process.off('SIGHUP', onHup);
    logger.error({ err }, 'sluice could not start');
    return EXIT.failure;
  }
  const running = app;
  // The file (or template) is read again as at start.
  const load = async () => {
    const again = await configOf(argv, io);
    return typeof again === 'number' ? undefined : again.result;
  };
  reload = () =>
    reloadConfig(running, name, load, logger).catch((err: unknown) => logger.error({ err }, 'config reload failed'));
  if (hupWhileStarting) void reload();
  const watcher = watching ? watchForChanges(running, name, reload, logger) : undefined;
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      watcher?.close();
      running.stop(signal).then(
        () => resolve(EXIT.ok),
        (err: unknown) => {
          logger.error({ err }, 'error during shutdown');
          resolve(EXIT.failure);
        },
      );
    };
    const onTerm = () => shutdown('SIGTERM');
    const onInt = () => shutdown('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
