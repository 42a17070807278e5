// CPU per record of the whole stream engine without a broker (#20): packed Kafka fetches (FetchChunk, 100 B values)
// are handed out from memory by a one-shard source and go through createStreamMapping exactly as the service runs a
// Kafka mapping (read-ahead, lanes, Batcher, batch runner, event assembly, checkpoints through the reader) to a
// no-op function. The fetches are packed before the clock starts, so this is the engine's own cost per record: what
// sluice spends on top of the client's decoding and the event bytes that the raw loops also pay for.
// Run: npx tsx bench/engine-cost.ts [records]
import { kafkaEvents } from '../connectors/kafka/event.js';
import { FetchChunk, type Chunk } from '../connectors/kafka/fetch-chunk.js';
import type { ShardReader, StreamRecord, StreamSource } from '../src/ports/sources.js';
import { noopInvoker, startNoopMapping } from './lib/noop-stream-mapping.js';
import { medianRound } from './lib/stats.js';

const FETCH = 6000;
const SHARD = 'topic-a-0';

function fetches(n: number): Chunk[] {
  const value = Buffer.alloc(100, 'x');
  const out: Chunk[] = [];
  for (let base = 0; base < n; base += FETCH) {
    const messages = Array.from({ length: Math.min(FETCH, n - base) }, (_, i) => ({
      key: null,
      value,
      timestamp: String(1_700_000_000_000 + base + i),
      offset: String(base + i),
      headers: {},
    }));
    out.push(FetchChunk.of('topic-a', 0, SHARD, messages));
  }
  return out;
}

/** A one-shard source over ready fetches; its reader takes from them as the Kafka reader takes from its buffer. */
function memorySource(chunks: Chunk[], counted: (n: number) => void): StreamSource {
  const events = kafkaEvents('broker:9092');
  const build = events.event.bind(events);
  events.event = (shard, records) => {
    counted(records.length);
    return build(shard, records);
  };
  const reader: ShardReader = {
    read: (limit) => {
      const records: StreamRecord[] = [];
      while (records.length < limit && chunks.length > 0) {
        chunks[0]!.take(limit - records.length, records);
        if (chunks[0]!.size === 0) chunks.shift();
      }
      return Promise.resolve({ records, endOfShard: false });
    },
    commit: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return {
    kind: 'kafka',
    arn: 'kafka://topic-a',
    positions: 'source',
    idlePollMs: 0,
    events,
    listShards: () => Promise.resolve([{ id: SHARD, parentIds: [] }]),
    open: () => Promise.resolve(reader),
    close: () => Promise.resolve(),
  };
}

async function round(n: number): Promise<{ rate: number; cpuUs: number }> {
  const chunks = fetches(n);
  let last = 0;
  let done = 0;
  let finish = (): void => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const source = memorySource(chunks, (k) => (last = k));
  const invoker = noopInvoker(() => {
    done += last;
    if (done >= n) finish();
  });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const mapping = await startNoopMapping(source, invoker, {
    mappingId: 'engine-cost',
    batchSize: 100,
    maxBatchingWindowMs: 0,
    pollIntervalMs: 1000,
  });
  await all;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  await mapping.stop();
  return { rate: n / seconds, cpuUs: (cpu.user + cpu.system) / n };
}

const records = Number(process.argv[2] ?? 1_000_000);
await round(200_000); // warm-up
const rounds = [];
for (let i = 0; i < 3; i++) rounds.push(await round(records));
const median = medianRound(rounds)!;
console.log(
  `engine, ${records} packed Kafka records (100 B), BatchSize 100: ${Math.round(median.rate / 1000)}k records/s, ` +
    `${median.cpuUs.toFixed(2)} us CPU per record (median of 3; rates ${rounds.map((r) => Math.round(r.rate / 1000)).join('k, ')}k)`,
);
