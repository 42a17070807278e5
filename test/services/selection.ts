import { isServerName, SERVER_NAMES } from './types.js';
import type { ServerName } from './types.js';

/**
 * SLUICE_TEST_SERVERS: unset/"all" = every server; "none" = integration tests are not run at all (explicit opt-out);
 * "redis,sqs" = only those (tests needing another server fail loudly).
 */
export function parseSelection(raw = process.env.SLUICE_TEST_SERVERS): {
  names: ServerName[];
  none: boolean;
  raw: string;
} {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'all') return { names: [...SERVER_NAMES], none: false, raw: 'all' };
  if (value === 'none') return { names: [], none: true, raw: value };
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = parts.filter((p) => !isServerName(p));
  if (unknown.length) {
    throw new Error(
      `SLUICE_TEST_SERVERS: unknown server(s) ${unknown.join(', ')}; use all, none or a list of ${SERVER_NAMES.join(', ')}`,
    );
  }
  return { names: SERVER_NAMES.filter((n) => parts.includes(n)), none: false, raw: value };
}
