// Recursion detection (ERR-6, REC-1, REC-2, OPEN-25): how many times one triggering event has invoked a function,
// carried in the X-Ray trace header's `Lineage` field (`Lineage=<h>:<n>|<h>:<n>`, h = first 8 hex of SHA-256 of
// the unqualified function ARN). Other fields and other functions' entries pass through unchanged.
import { createHash } from 'node:crypto';

/** Lambda stops the invocation that would be a function's 17th in one chain (REC-2). */
export const MAX_CHAINED_INVOCATIONS = 16;

export const RECURSION_MESSAGE =
  'Lambda detected that this invocation is part of a recursive loop and stopped it (RecursiveInvocationException).';

export function lineageHash(functionArn: string): string {
  return createHash('sha256').update(functionArn).digest('hex').slice(0, 8);
}

function split(header: string | undefined): { fields: string[]; entries: string[] } {
  const fields = (header ?? '').split(';').filter((f) => f.trim() !== '');
  const lineage = fields.find((f) => f.trim().startsWith('Lineage='));
  const entries = lineage === undefined ? [] : lineage.trim().slice('Lineage='.length).split('|').filter(Boolean);
  return { fields: fields.filter((f) => f !== lineage), entries };
}

/** Invocations of the function with `hash` so far in the chain the header belongs to (0 when absent). */
export function lineageCount(header: string | undefined, hash: string): number {
  for (const entry of split(header).entries) {
    const [h, n] = entry.split(':');
    if (h === hash) return Number.parseInt(n ?? '0', 10) || 0;
  }
  return 0;
}

/** The header with the function's entry set to `count` (added when missing). */
export function withLineage(header: string | undefined, hash: string, count: number): string {
  const { fields, entries } = split(header);
  let found = false;
  const next = entries.map((entry) => {
    const [h, , ...rest] = entry.split(':');
    if (h !== hash) return entry;
    found = true;
    return [h, String(count), ...rest].join(':');
  });
  if (!found) next.push(`${hash}:${count}`);
  return [...fields, `Lineage=${next.join('|')}`].join(';');
}
