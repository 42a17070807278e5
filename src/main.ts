#!/usr/bin/env node
import { runCli } from './cli/index.js';
import { processIo } from './cli/io.js';

/** After a command finished, the process must end even if a client library keeps a socket or timer alive. */
const EXIT_GRACE_MS = 5_000;

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write(
      `sluice: still running ${EXIT_GRACE_MS} ms after the command finished ` +
        `(open: ${process.getActiveResourcesInfo().join(', ')}); exiting\n`,
    );
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

runCli(process.argv.slice(2), processIo).then(exitSoon, (err: unknown) => {
  process.stderr.write(`sluice: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  exitSoon(1);
});
