// Async queue throughput: N events submitted and run with a no-op function through the Redis store,
// against a raw ioredis LPUSH/BRPOP loop on the same server in the same run.
//   SLUICE_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/async.ts [N]
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAsyncEngine } from '../src/core/async/engine.js';
import type { Invoker } from '../src/core/invoke/types.js';
import { noopMetrics } from '../src/ports/metrics.js';
import type { Logger } from '../src/ports/logger.js';
import { createRedisAsyncQueue } from '../src/state/async-redis.js';

const url = process.env.SLUICE_REDIS_URL;
if (!url) throw new Error('SLUICE_REDIS_URL is not set');
const N = Number(process.argv[2] ?? 20_000);
const PARALLEL_SUBMITS = 100;
const payload = Buffer.from('{"hello":"world"}');

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const clock = {
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    }),
};

async function inChunks(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += PARALLEL_SUBMITS) {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_SUBMITS, n - i) }, (_, j) => fn(i + j)));
  }
}

async function benchSluice(): Promise<number> {
  const prefix = `bench-${randomUUID()}`;
  const queue = createRedisAsyncQueue({ url: url!, prefix });
  let done = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((r) => (finish = r));
  const invoker: Invoker = {
    has: () => true,
    invoke: () => {
      if (++done === N) finish();
      return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 0, coldStart: false });
    },
  };
  const engine = createAsyncEngine({
    queue,
    invoker,
    functions: () => ({
      functionArn: 'arn:aws:lambda:us-east-1:0:function:noop',
      maximumRetryAttempts: 2,
      maximumEventAgeMs: 21_600_000,
    }),
    destinations: () => {
      throw new Error('no destinations in the benchmark');
    },
    metrics: noopMetrics,
    clock,
    logger: quiet,
    owner: 'bench',
    options: { concurrency: 64, pollIntervalMs: 50 },
  });
  const t0 = performance.now();
  engine.start();
  await inChunks(N, (i) => engine.submit('noop', payload, `r${i}`));
  await allDone;
  const secs = (performance.now() - t0) / 1000;
  await engine.stop(1_000);
  await queue.close();
  return N / secs;
}

async function benchRaw(): Promise<number> {
  const key = `bench-raw-${randomUUID()}`;
  const producer = new Redis(url!);
  const consumer = new Redis(url!);
  const body = payload.toString('base64');
  const t0 = performance.now();
  const consume = (async () => {
    for (let got = 0; got < N; got++) await consumer.brpop(key, 5);
  })();
  await inChunks(N, (i) => producer.lpush(key, JSON.stringify({ id: `r${i}`, body })));
  await consume;
  const secs = (performance.now() - t0) / 1000;
  await producer.quit();
  await consumer.quit();
  return N / secs;
}

// Alternate the two a few times: on a shared machine one run says little; the medians say more.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const raws: number[] = [];
const sluices: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  raws.push(await benchRaw());
  sluices.push(await benchSluice());
  console.log(`round ${r + 1}: raw ${raws[r]!.toFixed(0)}/s, sluice ${sluices[r]!.toFixed(0)}/s`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const raw = median(raws);
const sluice = median(sluices);
console.log(`events per run: ${N}, rounds: ${ROUNDS} (medians below)`);
console.log(`raw ioredis LPUSH/BRPOP: ${raw.toFixed(0)} events/s`);
console.log(`sluice async (redis store, no-op function): ${sluice.toFixed(0)} events/s`);
console.log(`ratio sluice/raw: ${(sluice / raw).toFixed(2)}`);
