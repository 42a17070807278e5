import { createRequire } from 'node:module';
import { EXIT, MAIN_HELP } from './help.js';
import type { CliIo } from './io.js';
import { runImport } from './import.js';
import { runPeek } from './peek.js';
import { runSchema } from './schema.js';
import { runStart } from './start.js';
import { runTestPattern } from './test-pattern.js';
import { runValidate } from './validate.js';
import { readFile } from 'node:fs/promises';

function version(): string {
  const require = createRequire(import.meta.url);
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      return (require(p) as { version: string }).version;
    } catch {
      // compiled (dist/src/cli) and source (src/cli) sit at different depths
    }
  }
  return 'unknown';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart(rest, io);
    case 'validate':
      return runValidate(rest, io);
    case 'import':
      return runImport(rest, io);
    case 'test-pattern':
      return runTestPattern(rest, {
        stdout: (s) => io.stdout(s),
        stderr: (s) => io.stderr(s),
        readFile: (p) => readFile(p, 'utf8'),
      });
    case 'schema':
      return runSchema(io);
    case 'peek':
      return runPeek(rest, io);
    case '-v':
    case '--version':
      io.stdout(`${version()}\n`);
      return EXIT.ok;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(MAIN_HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      io.stderr(`unknown command: ${command}\n\n${MAIN_HELP}`);
      return EXIT.usage;
  }
}
