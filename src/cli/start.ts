import { startApp } from '../app/app.js';
import { loadConfigFile } from '../config/loader.js';
import { formatProblems } from '../config/problems.js';
import { createLogger } from '../observability/logger.js';
import { logProcessWarnings } from '../observability/process-warnings.js';
import { reloadConfigFile, watchForChanges } from '../app/watch.js';
import { parseCommandArgs } from './args.js';
import { EXIT, START_HELP } from './help.js';
import type { CliIo } from './io.js';

/** Runs until SIGTERM/SIGINT (SIGHUP reloads the config); resolves with the exit code. */
export async function runStart(argv: string[], io: CliIo): Promise<number> {
  const watching = argv.includes('--watch') || argv.includes('-w');
  const args = parseCommandArgs(
    argv.filter((a) => a !== '--watch' && a !== '-w'),
    io,
    START_HELP,
  );
  if (typeof args === 'number') return args;
  const result = await loadConfigFile(args.config, io.env);
  if (result.config === undefined) {
    io.stderr(`sluice will not start: ${args.config} is invalid:\n${formatProblems(result.problems, args.config)}\n`);
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
  reload = () =>
    reloadConfigFile(running, args.config, io.env, logger).catch((err: unknown) =>
      logger.error({ err }, 'config reload failed'),
    );
  if (hupWhileStarting) void reload();
  const watcher = watching ? watchForChanges(running, args.config, reload, logger) : undefined;
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
