// #21 shard inspection of a Redis stream: what its consumer group has not processed yet, from XINFO GROUPS: `lag`
// (entries not delivered to the group; Redis 7+, nil when it cannot tell) plus `pending` (delivered, not acked).
import type { Redis } from 'ioredis';

export async function groupLag(cmd: Redis, streamKey: string, group: string): Promise<number | undefined> {
  const groups = (await cmd.call('XINFO', 'GROUPS', streamKey)) as unknown[][];
  for (const flat of groups) {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]);
    if (info.get('name') !== group) continue;
    const lag = info.get('lag');
    const pending = Number(info.get('pending') ?? 0);
    return lag === null || lag === undefined ? undefined : Number(lag) + pending;
  }
  return undefined;
}
