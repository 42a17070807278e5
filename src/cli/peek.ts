// `sluice peek memory://queue/<name> | memory://stream/<name>`: what an in-memory queue (a DLQ too) or stream of a
// running sluice holds, read over its HTTP API without receiving anything.
import { parseArgs } from 'node:util';
import { EXIT, PEEK_HELP } from './help.js';
import type { CliIo } from './io.js';

const ADDRESS = /^memory:\/\/(queue|stream)\/([A-Za-z0-9_.-]+)$/;

export async function runPeek(argv: string[], io: CliIo): Promise<number> {
  let values: { url?: string; limit?: string; token?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        limit: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${PEEK_HELP}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(PEEK_HELP);
    return EXIT.ok;
  }
  const m = positionals.length === 1 ? ADDRESS.exec(positionals[0] ?? '') : null;
  if (m === null) {
    io.stderr(`sluice peek needs one address, memory://queue/<name> or memory://stream/<name>\n\n${PEEK_HELP}`);
    return EXIT.usage;
  }
  const base = (values.url ?? io.env.SLUICE_URL ?? 'http://127.0.0.1:9001').replace(/\/+$/, '');
  const path = m[1] === 'queue' ? `queues/${m[2]}/messages` : `streams/${m[2]}/records`;
  const token = values.token ?? io.env.SLUICE_TOKEN;
  try {
    const res = await fetch(`${base}/sluice/memory/${path}?limit=${encodeURIComponent(values.limit ?? '10')}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    if (!res.ok) {
      io.stderr(`${res.status} ${text}\n`);
      return res.status === 400 ? EXIT.usage : EXIT.failure;
    }
    io.stdout(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    io.stderr(`could not reach sluice at ${base}: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}
