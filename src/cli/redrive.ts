// `sluice redrive --from DESTINATION --to FUNCTION|QUEUE ...` (#21): starts a redrive on a running sluice
// (src/http/routes/redrive.ts), follows its progress and prints the report.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedriveProgress } from '../app/redrive.js';
import { callSluice, fetchSluice, parseApiArgs, type ApiArgs } from './api-client.js';
import { EXIT, REDRIVE_HELP } from './help.js';
import type { CliIo } from './io.js';

const POLL_MS = 500;

export async function runRedrive(argv: string[], io: CliIo, pollMs = POLL_MS): Promise<number> {
  const args = parseApiArgs(argv, io, REDRIVE_HELP, {
    from: { type: 'string' },
    to: { type: 'string' },
    rate: { type: 'string' },
    'dry-run': { type: 'boolean' },
    max: { type: 'string' },
    'no-wait': { type: 'boolean' },
    status: { type: 'string' },
    by: { type: 'string' },
  });
  if (typeof args === 'number') return args;
  const v = args.values;
  if (typeof v.status === 'string')
    return callSluice(io, args, { path: `/sluice/redrive/${encodeURIComponent(v.status)}` });
  const rate = typeof v.rate === 'string' ? Number(v.rate.replace(/\/s$/, '')) : undefined;
  const max = typeof v.max === 'string' ? Number(v.max) : undefined;
  if (
    typeof v.from !== 'string' ||
    typeof v.to !== 'string' ||
    args.positionals.length > 0 ||
    Number.isNaN(rate) ||
    Number.isNaN(max)
  ) {
    io.stderr(`sluice redrive: bad arguments\n\n${REDRIVE_HELP}`);
    return EXIT.usage;
  }
  const by = typeof v.by === 'string' ? v.by : io.env.USER;
  const body = {
    from: v.from,
    to: v.to,
    dryRun: v['dry-run'] === true,
    ...(rate !== undefined && { rate }),
    ...(max !== undefined && { max }),
    ...(by !== undefined && { by }),
  };
  if (v['no-wait'] === true) return callSluice(io, args, { method: 'POST', path: '/sluice/redrive', body });
  try {
    const started = await fetchSluice(args, { method: 'POST', path: '/sluice/redrive', body });
    if (started.status !== 202) {
      io.stderr(`${started.status} ${started.text}\n`);
      return started.status === 400 ? EXIT.usage : EXIT.failure;
    }
    return await follow(io, args, JSON.parse(started.text) as RedriveProgress, pollMs);
  } catch (err) {
    io.stderr(`could not reach sluice at ${args.base}: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}

async function follow(io: CliIo, args: ApiArgs, p: RedriveProgress, pollMs: number): Promise<number> {
  io.stderr(`redrive ${p.id} started: ${p.from} → ${p.to}${p.dryRun ? ' (dry run)' : ''}\n`);
  let shown = '';
  while (p.status === 'running') {
    await sleep(pollMs);
    const r = await fetchSluice(args, { path: `/sluice/redrive/${encodeURIComponent(p.id)}` });
    if (r.status !== 200) {
      io.stderr(`${r.status} ${r.text}\n`);
      return EXIT.failure;
    }
    p = JSON.parse(r.text) as RedriveProgress;
    const line = `seen ${p.seen}: replayed ${p.replayed}, failed ${p.failed}, skipped ${p.skipped}`;
    if (line !== shown) io.stderr(`${line}\n`);
    shown = line;
  }
  io.stdout(`${JSON.stringify(p, null, 2)}\n`);
  return p.status === 'done' && p.failed === 0 ? EXIT.ok : EXIT.failure;
}
