// Memory and CPU of idle shards: one stream mapping over an empty in-process memory stream with 1,000 / 5,000
// (/ 10,000) shards, each shard worker polling once per second (Kinesis's idle cadence, STR-1). Every point runs
// in a fresh child process so heaps do not mix; growth is measured after GC against the same process before the
// mapping started.
import type { BenchRow, Scenario } from '../lib/types.js';
import { runChild } from './child.js';
import { round } from './common.js';

interface IdleShards {
  shards: number;
  idleMs: number;
  cpuPercent: number;
  pollsPerSecond: number;
  cpuMicrosPerPoll: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapGrowthMb: number;
}

const POLL_MS = 1000;

export const idleShardsScenario: Scenario = {
  id: 'scale-idle-shards',
  title: 'Idle shards: RSS per 1,000 shards and idle CPU (memory stream, 1 s poll)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const points = ctx.quick ? [1000, 5000] : [1000, 5000, 10_000];
    const idleMs = ctx.quick ? 2000 : 10_000;
    for (const shards of points) {
      ctx.progress(`scale-idle-shards: ${shards} idle shards, ${idleMs / 1000} s idle (child process)`);
      const r = await runChild<IdleShards>(
        './idle-shards-child.ts',
        [String(shards), String(idleMs), String(POLL_MS)],
        ['--expose-gc'],
      );
      const per1000 = (mb: number) => (mb / shards) * 1000;
      const rssGrowth = r.rssAfterMb - r.rssBeforeMb;
      rows.push({
        group: 'scale-idle-shards',
        name: `${shards} idle shards`,
        unit: 'MB RSS per 1,000 idle shards',
        sluice: { throughput: round(per1000(rssGrowth), 1), cost: { cpuPercent: r.cpuPercent, rssMb: r.rssAfterMb } },
        x: shards,
        params: {
          x: 'idle shards',
          series: 'memory stream',
          source: 'memory',
          pollIntervalMs: POLL_MS,
          idleSeconds: round(r.idleMs / 1000, 1),
          rssGrowthMb: round(rssGrowth, 1),
          heapGrowthMb: round(r.heapGrowthMb, 1),
          heapMbPer1000Shards: round(per1000(r.heapGrowthMb), 1),
          idleCpuPercent: round(r.cpuPercent, 1),
          // shards / pollInterval when every shard keeps its cadence.
          idlePollsPerSecond: round(r.pollsPerSecond),
          cpuMicrosPerIdlePoll: round(r.cpuMicrosPerPoll),
        },
        notes:
          'One mapping, one shard worker per shard, no records. cost.cpuPercent is the child process over the idle ' +
          'window (100 = one core): each shard reads once per poll interval, so idle CPU grows with shards. ' +
          'RSS growth includes freed-but-kept heap pages; heapGrowthMb is the live part.',
      });
    }
    return rows;
  },
};
