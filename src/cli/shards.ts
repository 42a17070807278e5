// `sluice shards MAPPING [skip SHARD | park SHARD DESTINATION | seek SHARD TO | pause/resume [SHARD] | command ID]`:
// shard inspection and steering (#21) over a running sluice's HTTP API (src/http/routes/shards.ts).
import { parseArgs } from 'node:util';
import { EXIT, SHARDS_HELP } from './help.js';
import type { CliIo } from './io.js';

export async function runShards(argv: string[], io: CliIo): Promise<number> {
  let values: { url?: string; token?: string; by?: string; force?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        by: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${SHARDS_HELP}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(SHARDS_HELP);
    return EXIT.ok;
  }
  const request = route(positionals, values.by ?? io.env.USER, values.force === true);
  if (request === undefined) {
    io.stderr(`sluice shards: bad arguments\n\n${SHARDS_HELP}`);
    return EXIT.usage;
  }
  const base = (values.url ?? io.env.SLUICE_URL ?? 'http://127.0.0.1:9001').replace(/\/+$/, '');
  const token = values.token ?? io.env.SLUICE_TOKEN;
  try {
    const res = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
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

function route(
  args: string[],
  by: string | undefined,
  force: boolean,
): { method: 'GET' | 'POST'; path: string; body?: object } | undefined {
  const [mapping, action, target, destination, ...extra] = args;
  if (mapping === undefined || extra.length > 0) return undefined;
  if (destination !== undefined && action !== 'park' && action !== 'seek') return undefined;
  const base = `/sluice/mappings/${encodeURIComponent(mapping)}/shards`;
  if (action === 'seek' && target !== undefined && destination !== undefined) {
    // Digits: a position (sequence number, offset); anything else: a timestamp.
    const to = /^\d+$/.test(destination) ? { position: destination } : { timestamp: destination };
    return {
      method: 'POST',
      path: `${base}/${encodeURIComponent(target)}/seek`,
      body: { ...to, force, ...(by !== undefined && { by }) },
    };
  }
  if (action === undefined) return { method: 'GET', path: base };
  if (action === 'command' && target !== undefined)
    return { method: 'GET', path: `${base}/commands/${encodeURIComponent(target)}` };
  if (action === 'skip' && target !== undefined)
    return { method: 'POST', path: `${base}/${encodeURIComponent(target)}/skip`, body: by === undefined ? {} : { by } };
  if (action === 'park' && target !== undefined && destination !== undefined)
    return {
      method: 'POST',
      path: `${base}/${encodeURIComponent(target)}/park`,
      body: { destination, ...(by !== undefined && { by }) },
    };
  if (action === 'pause' || action === 'resume')
    return {
      method: 'POST',
      path: target === undefined ? `${base}/${action}` : `${base}/${encodeURIComponent(target)}/${action}`,
    };
  return undefined;
}
