import { loadConfigFile } from '../config/loader.js';
import { formatProblems } from '../config/problems.js';
import { EXIT, VALIDATE_HELP } from './help.js';
import type { CliIo } from './io.js';
import { parseCommandArgs } from './args.js';

export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(argv, io, VALIDATE_HELP);
  if (typeof args === 'number') return args;
  const result = await loadConfigFile(args.config, io.env, { handlerFiles: true });
  if (result.warnings.length > 0) io.stderr(`${args.config}:\n${formatProblems(result.warnings, args.config)}\n`);
  if (result.config === undefined) {
    io.stderr(
      `${args.config} is invalid (${result.problems.length} problem(s)):\n${formatProblems(result.problems, args.config)}\n`,
    );
    return EXIT.usage;
  }
  io.stdout(
    `${args.config} is valid: ${result.config.functions.size} function(s), ${result.config.mappings.length} mapping(s)\n` +
      `  not checked here: handler exports (that runs the module), and whether sources, destinations and Url endpoints are reachable\n`,
  );
  return EXIT.ok;
}
