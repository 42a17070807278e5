import { sluiceVersion } from '../observability/version.js';
import { EXIT, MAIN_HELP } from './help.js';
import type { CliIo } from './io.js';
import { runImport } from './import.js';
import { runPeek } from './peek.js';
import { runRedrive } from './redrive.js';
import { runSchema } from './schema.js';
import { runShards } from './shards.js';
import { runStart } from './start.js';
import { runTestPattern } from './test-pattern.js';
import { runValidate } from './validate.js';
import { readFile } from 'node:fs/promises';

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
        env: io.env,
      });
    case 'schema':
      return runSchema(io);
    case 'peek':
      return runPeek(rest, io);
    case 'shards':
      return runShards(rest, io);
    case 'redrive':
      return runRedrive(rest, io);
    case '-v':
    case '--version':
      io.stdout(`${sluiceVersion()}\n`);
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
