// Redis Streams source throughput: N preloaded entries read through sluice's source (+ an XACK checkpoint per
// read) versus a raw XREADGROUP + XACK loop, on the same server in the same run.
//   SLUICE_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/redis-streams.ts [entries=100000] [bytes=100]
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisStreamsConnector, type RedisStreamSource } from '../connectors/redis-streams/index.js';
import type { Logger } from '../src/ports/logger.js';
import { noopMetrics } from '../src/ports/metrics.js';

const url = process.env.SLUICE_REDIS_URL;
if (url === undefined || url === '') throw new Error('set SLUICE_REDIS_URL=redis://host:port');
const N = Number(process.argv[2] ?? 100_000);
const BYTES = Number(process.argv[3] ?? 100);
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const redis = new Redis(url, { protocol: 2 });
const key = `bench-${randomUUID()}`;

async function preload(): Promise<void> {
  const value = 'x'.repeat(BYTES);
  for (let sent = 0; sent < N; sent += 1000) {
    const p = redis.pipeline();
    for (let i = 0; i < Math.min(1000, N - sent); i++) p.xadd(key, '*', 'n', String(sent + i), 'body', value);
    await p.exec();
  }
}

async function raw(): Promise<number> {
  const group = `raw-${randomUUID()}`;
  await redis.call('XGROUP', 'CREATE', key, group, '0');
  const start = Date.now();
  let seen = 0;
  while (seen < N) {
    const reply = (await redis.call('XREADGROUP', 'GROUP', group, 'c', 'COUNT', 500, 'STREAMS', key, '>')) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    seen += entries.length;
    await redis.call('XACK', key, group, ...entries.map(([id]) => id));
  }
  return Date.now() - start;
}

async function sluice(): Promise<number> {
  const source = redisStreamsConnector.createStreamSource!(
    `redis://${key}`,
    { mappingId: randomUUID(), startingPosition: { type: 'TRIM_HORIZON' } },
    { connection: { url }, region: 'us-east-1', accountId: '0', logger: quiet, metrics: noopMetrics },
  ) as RedisStreamSource;
  const start = Date.now();
  const [shard] = await source.listShards();
  const reader = await source.open(shard!, { type: 'TRIM_HORIZON' });
  const signal = new AbortController().signal;
  let seen = 0;
  while (seen < N) {
    const { records } = await reader.read(500, signal);
    if (records.length === 0) continue;
    seen += records.length;
    await source.checkpoints.set('bench', shard!.id, records[records.length - 1]!.position);
  }
  const ms = Date.now() - start;
  await source.close();
  return ms;
}

await preload();
// Two alternating rounds (each a fresh consumer group over the same entries); the best of each counts.
let rawMs = Infinity;
let sluiceMs = Infinity;
for (let round = 0; round < 2; round++) {
  rawMs = Math.min(rawMs, await raw());
  sluiceMs = Math.min(sluiceMs, await sluice());
}
await redis.del(key);
await redis.quit();
const rate = (ms: number) => Math.round((N / ms) * 1000);
console.log(`redis streams: ${N} entries, ${BYTES} B body`);
console.log(`raw XREADGROUP + XACK:       ${rate(rawMs)} records/s (${rawMs} ms)`);
console.log(`sluice source + checkpoints: ${rate(sluiceMs)} records/s (${sluiceMs} ms)`);
console.log(`ratio sluice/raw:            ${(rate(sluiceMs) / rate(rawMs)).toFixed(2)}`);
