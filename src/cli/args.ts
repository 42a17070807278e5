import { parseArgs } from 'node:util';
import { EXIT } from './help.js';
import type { CliIo } from './io.js';

export const DEFAULT_CONFIG = 'config/sluice.json';

/** `--config F` and `--help` for start and validate; a number is the exit code to return at once. */
export function parseCommandArgs(argv: string[], io: CliIo, help: string): { config: string } | number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help === true) {
      io.stdout(help);
      return EXIT.ok;
    }
    return { config: values.config ?? DEFAULT_CONFIG };
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${help}`);
    return EXIT.usage;
  }
}
