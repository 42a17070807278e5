// `sluice shards MAPPING [skip SHARD | park SHARD DESTINATION | seek SHARD TO | pause/resume [SHARD] | command ID]`:
// shard inspection and steering (#21) over a running sluice's HTTP API (src/http/routes/shards.ts).
import { callSluice, parseApiArgs } from './api-client.js';
import { EXIT, SHARDS_HELP } from './help.js';
import type { CliIo } from './io.js';

export async function runShards(argv: string[], io: CliIo): Promise<number> {
  const args = parseApiArgs(argv, io, SHARDS_HELP, { by: { type: 'string' }, force: { type: 'boolean' } });
  if (typeof args === 'number') return args;
  const by = typeof args.values.by === 'string' ? args.values.by : io.env.USER;
  const request = route(args.positionals, by, args.values.force === true);
  if (request === undefined) {
    io.stderr(`sluice shards: bad arguments\n\n${SHARDS_HELP}`);
    return EXIT.usage;
  }
  return callSluice(io, args, request);
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
