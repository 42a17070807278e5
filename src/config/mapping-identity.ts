// A mapping's identity (its UUID) derives from what it is — function, source address, consumer group — never from
// its place in the file, so inserting or reordering mappings keeps checkpoints and consumer groups (DESIGN: control
// plane). Earlier versions mixed the position in; those positional UUIDs are listed so that positions stored under
// them are adopted at start (src/app/mapping-identity.ts).
import { createHash } from 'node:crypto';

/** A stable UUID (v4 layout) from a seed. */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * What a mapping is: its function, its source address (when a connector's own fields name the source, the address
 * they name), the consumer group its fields set, if any, and what within the address it reads when its connector's
 * fields say so (`sourceNameOf`: a queue of a broker).
 */
export function identityUuid(
  functionName: string,
  address: string,
  consumerGroupId: string | undefined,
  sourceName?: string,
): string {
  // `sourceName` (what within the address the mapping reads) is appended only when set: other UUIDs stay as they were.
  const seed = ['sluice-mapping-v2', functionName, address, consumerGroupId ?? ''];
  return derivedUuid((sourceName === undefined ? seed : [...seed, sourceName]).join('|'));
}

/**
 * File positions looked at when adopting positions of an older version: the current one first, then the others
 * of a file this long plus a margin for mappings removed since.
 */
const EXTRA_POSITIONS = 16;

/** The positional UUIDs older versions gave a mapping without `UUID` (`function|address|index`), current index first. */
export function positionalUuids(functionName: string, address: string, index: number, count: number): string[] {
  const indexes = [index];
  for (let k = 0; k < count + EXTRA_POSITIONS; k++) if (k !== index) indexes.push(k);
  return indexes.map((k) => derivedUuid(`${functionName}|${address}|${k}`));
}
