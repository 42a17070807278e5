// #21 seek: where a shard resumes after an operator's seek, and whether that would move it backwards.
import type { StartPosition } from '../../ports/sources.js';
import type { ShardCommand } from './shard-operator.js';

type Seek = Extract<ShardCommand, { action: 'seek' }>;

/** The start position of the restarted worker, or why the seek is refused. */
export function seekStart(cmd: Seek, checkpoint: string | undefined): StartPosition | { refused: string } {
  if ('timestampMs' in cmd.to) {
    // A timestamp cannot be ordered against the checkpoint without reading: the operator must say it may go back.
    if (cmd.force !== true) return { refused: 'a seek by timestamp may move backwards: add "force": true' };
    return { type: 'AT_TIMESTAMP', timestampMs: cmd.to.timestampMs };
  }
  const to = cmd.to.position;
  if (cmd.force !== true && checkpoint !== undefined) {
    const order = comparePositions(to, checkpoint);
    if (order === undefined) return { refused: 'cannot order these positions: add "force": true' };
    if (order < 0) return { refused: `${to} is before the checkpoint ${checkpoint}: add "force": true` };
  }
  return { type: 'AFTER', position: to };
}

/** Sequence numbers and offsets are decimal strings; anything else cannot be ordered here. */
function comparePositions(a: string, b: string): number | undefined {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
