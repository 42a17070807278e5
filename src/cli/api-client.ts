// What the commands that talk to a running sluice share (`peek`, `shards`): --url/--token/--help parsing and one
// HTTP call whose JSON answer is printed, with the same exit codes (400 → usage, other errors → failure).
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { EXIT } from './help.js';
import type { CliIo } from './io.js';

export interface ApiArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  base: string;
  token?: string;
}

/** Parses `--url`, `--token`, `--help` and the command's own options; a number is the exit code to return. */
export function parseApiArgs(
  argv: string[],
  io: CliIo,
  help: string,
  options: ParseArgsOptionsConfig,
): ApiArgs | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...options,
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${help}`);
    return EXIT.usage;
  }
  const values = parsed.values as ApiArgs['values'];
  if (values.help === true) {
    io.stdout(help);
    return EXIT.ok;
  }
  const url = typeof values.url === 'string' ? values.url : (io.env.SLUICE_URL ?? 'http://127.0.0.1:9001');
  const token = typeof values.token === 'string' ? values.token : io.env.SLUICE_TOKEN;
  return { values, positionals: parsed.positionals, base: url.replace(/\/+$/, ''), token };
}

/** One request to the running sluice; its JSON answer goes to stdout, an error answer to stderr. */
export async function callSluice(
  io: CliIo,
  args: Pick<ApiArgs, 'base' | 'token'>,
  request: { method?: string; path: string; body?: unknown },
): Promise<number> {
  try {
    const { status, text } = await fetchSluice(args, request);
    if (status < 200 || status > 299) {
      io.stderr(`${status} ${text}\n`);
      return status === 400 ? EXIT.usage : EXIT.failure;
    }
    io.stdout(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    io.stderr(`could not reach sluice at ${args.base}: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}

/** One request to the running sluice whose answer the command reads itself; throws when sluice cannot be reached. */
export async function fetchSluice(
  args: Pick<ApiArgs, 'base' | 'token'>,
  request: { method?: string; path: string; body?: unknown },
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${args.base}${request.path}`, {
    method: request.method ?? 'GET',
    headers: args.token === undefined ? {} : { authorization: `Bearer ${args.token}` },
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  });
  return { status: res.status, text: await res.text() };
}
