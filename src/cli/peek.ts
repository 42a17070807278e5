// `sluice peek memory://queue/<name> | memory://stream/<name>`: what an in-memory queue (a DLQ too) or stream of a
// running sluice holds, read over its HTTP API without receiving anything.
import { callSluice, parseApiArgs } from './api-client.js';
import { EXIT, PEEK_HELP } from './help.js';
import type { CliIo } from './io.js';

const ADDRESS = /^memory:\/\/(queue|stream)\/([A-Za-z0-9_.-]+)$/;

export async function runPeek(argv: string[], io: CliIo): Promise<number> {
  const args = parseApiArgs(argv, io, PEEK_HELP, { limit: { type: 'string' } });
  if (typeof args === 'number') return args;
  const m = args.positionals.length === 1 ? ADDRESS.exec(args.positionals[0] ?? '') : null;
  if (m === null) {
    io.stderr(`sluice peek needs one address, memory://queue/<name> or memory://stream/<name>\n\n${PEEK_HELP}`);
    return EXIT.usage;
  }
  const path = m[1] === 'queue' ? `queues/${m[2]}/messages` : `streams/${m[2]}/records`;
  const limit = typeof args.values.limit === 'string' ? args.values.limit : '10';
  return callSluice(io, args, { path: `/sluice/memory/${path}?limit=${encodeURIComponent(limit)}` });
}
