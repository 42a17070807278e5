// Child process of the idle-shards curve (a fresh heap per point): starts one stream mapping over an empty
// in-process memory stream with N shards, lets every shard worker settle into its idle poll cadence, then
// measures this process's CPU over an idle window and its RSS/heap growth. Prints one JSON line.
//   node --expose-gc --import tsx bench/scale/idle-shards-child.ts <shards> <idleMs> <pollMs>
import { MemoryStream } from '../../connectors/memory/index.js';
import { countingInvoker, startMapping, streamOptions } from './common.js';

const shards = Number(process.argv[2] ?? 1000);
const idleMs = Number(process.argv[3] ?? 5000);
const pollMs = Number(process.argv[4] ?? 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function settledMemory(): { rss: number; heap: number } {
  // Two passes: the first may only move objects to the old generation.
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

// Load and JIT the code paths once with a 1-shard mapping, so the growth measured is the shards', not the modules'.
const warm = startMapping(
  new MemoryStream('warm', 'memory://stream/warm', { shards: 1, retentionMs: 60_000, region: 'us-east-1' }).source(),
  countingInvoker(() => {}),
  streamOptions({ startingPosition: { type: 'LATEST' }, pollIntervalMs: pollMs }),
);
await sleep(300);
await warm.stop(100);
await sleep(200);
const before = settledMemory();
const stream = new MemoryStream('idle', 'memory://stream/idle', { shards, retentionMs: 60_000, region: 'us-east-1' });
// Count the idle polls (empty reads), to tell whether every shard keeps its poll cadence.
let reads = 0;
const source = stream.source();
const open = source.open.bind(source);
source.open = async (shard, from) => {
  const reader = await open(shard, from);
  const read = reader.read.bind(reader);
  return { ...reader, read: (limit, signal) => (reads++, read(limit, signal)) };
};
const mapping = startMapping(
  source,
  countingInvoker(() => {}),
  streamOptions({ startingPosition: { type: 'LATEST' }, pollIntervalMs: pollMs }),
);
// Every worker has opened its shard and read once by the end of the first poll interval.
await sleep(pollMs + 1000);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const reads0 = reads;
await sleep(idleMs);
const cpu = process.cpuUsage(cpu0);
const polls = reads - reads0;
const wallMs = performance.now() - t0;
const after = settledMemory();
await mapping.stop(1000);
process.stdout.write(
  JSON.stringify({
    shards,
    idleMs: wallMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    pollsPerSecond: (polls / wallMs) * 1000,
    cpuMicrosPerPoll: polls > 0 ? (cpu.user + cpu.system) / polls : 0,
    rssBeforeMb: before.rss / 2 ** 20,
    rssAfterMb: after.rss / 2 ** 20,
    heapGrowthMb: (after.heap - before.heap) / 2 ** 20,
  }) + '\n',
);
