// sluice's SQS queue poller vs a plain @aws-sdk/client-sqs receive/delete loop, same client library, same
// concurrency, same server, same run:
//   1. throughput: drain a pre-loaded queue (no-op handler), records/s and the ratio sluice/raw (target ≥ 0.9);
//   2. latency: messages sent at a steady rate to an empty queue, p50/p99 from send (timestamp in the body)
//      to the handler seeing the record.
//   npm run bench:sqs            (ElasticMQ from SLUICE_SQS_ENDPOINT, else .services/servers.json)
// Env: SLUICE_BENCH_N (messages per throughput run, default 3000), SLUICE_BENCH_ROUNDS (raw/sluice pairs, default 4), SLUICE_BENCH_CONCURRENCY (concurrent batches,
// default 10), SLUICE_BENCH_LATENCY_N (messages per latency run, default 500), SLUICE_BENCH_RATE (msgs/s, default 500).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { sqsConnector } from '../connectors/sqs/index.js';
import { createQueuePoller } from '../src/core/esm/queue-poller.js';
import type { Invoker } from '../src/core/invoke/types.js';
import type { Clock } from '../src/ports/clock.js';
import type { Logger } from '../src/ports/logger.js';
import type { Labels, Metrics } from '../src/ports/metrics.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function endpointFromEnvOrHarness(): string {
  const env = process.env['SLUICE_SQS_ENDPOINT'];
  if (env) return env;
  const file = '.services/servers.json';
  if (existsSync(file)) {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { servers?: { sqs?: { endpoint?: string } } };
    if (info.servers?.sqs?.endpoint) return info.servers.sqs.endpoint;
  }
  throw new Error(
    'no SQS server: set SLUICE_SQS_ENDPOINT or run `npm run services:up` (writes .services/servers.json)',
  );
}

const endpoint = endpointFromEnvOrHarness();
const N = Number(process.env['SLUICE_BENCH_N'] ?? 3000);
const ROUNDS = Number(process.env['SLUICE_BENCH_ROUNDS'] ?? 4);
const C = Number(process.env['SLUICE_BENCH_CONCURRENCY'] ?? 10);
const LN = Number(process.env['SLUICE_BENCH_LATENCY_N'] ?? 500);
const RATE = Number(process.env['SLUICE_BENCH_RATE'] ?? 500);
const region = 'us-east-1';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const client = new SQSClient({
  region,
  endpoint,
  credentials,
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 2000 } },
});

type Kind = 'raw' | 'sluice';
/** Called with the bodies of each batch the consumer hands to its "function". */
type OnBatch = ((bodies: string[]) => void) | undefined;

async function createQueue(label: string): Promise<{ url: string; arn: string }> {
  const name = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:${region}:000000000000:${name}` };
}

async function sendBatch(url: string, bodies: string[]): Promise<void> {
  await client.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    }),
  );
}

async function preload(url: string, count: number): Promise<void> {
  const body = JSON.stringify({ payload: 'x'.repeat(200) });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const n = Math.min(10, count - next);
        next += n;
        await sendBatch(
          url,
          Array.from({ length: n }, () => body),
        );
      }
    }),
  );
}

/** The same work without sluice: C loops of ReceiveMessage(10) + DeleteMessageBatch. Resolves when `count` are deleted. */
async function rawConsumer(url: string, count: number, onBatch: OnBatch): Promise<number> {
  let deleted = 0;
  let finishedAt = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (deleted < count) {
        const r = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const msgs = r.Messages ?? [];
        if (msgs.length === 0) continue;
        onBatch?.(msgs.map((m) => m.Body ?? ''));
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        deleted += msgs.length;
        // stop the clock at the last delete, as for sluice (idle 1 s polls of the other loops do not count)
        if (deleted >= count && finishedAt === 0) finishedAt = performance.now();
      }
    }),
  );
  return finishedAt - started;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
    }),
};

/** sluice's queue poller with the real SQS connector and a no-op function. Resolves when `count` are deleted. */
async function sluiceConsumer(arn: string, count: number, onBatch: OnBatch): Promise<number> {
  let deleted = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const metrics: Metrics = {
    inc(name: string, _l?: Labels, v = 1) {
      if (name === 'sluice_deleted_events_total' && (deleted += v) >= count) done();
    },
    set() {},
    observe() {},
  };
  const noop: Invoker = {
    has: () => true,
    invoke: (_fn, req) => {
      // Throughput runs leave the event unparsed, like the raw loop leaves its bodies alone.
      if (onBatch !== undefined) {
        const event = JSON.parse(req.payload.toString('utf8')) as { Records: Array<{ body: string }> };
        onBatch(event.Records.map((r) => r.body));
      }
      return Promise.resolve({ kind: 'success', payload: Buffer.alloc(0), durationMs: 0, coldStart: false });
    },
  };
  const ctx = {
    connection: { endpoint, region, credentials },
    region,
    accountId: '000000000000',
    logger: quiet,
    metrics,
  };
  const source = sqsConnector.createQueueSource!(arn, ctx);
  const poller = createQueuePoller({
    source,
    invoker: noop,
    metrics,
    clock,
    logger: quiet,
    options: {
      mappingId: 'bench',
      functionName: 'noop',
      batchSize: 10,
      maxBatchingWindowMs: 0,
      reportBatchItemFailures: false,
      fifo: false,
      functionTimeoutMs: 3000,
      // fixed concurrency so both sides run the same number of loops
      scaling: { initial: C, min: C, max: C },
      backlogIntervalMs: 0,
    },
  });
  const started = performance.now();
  poller.start();
  await finished;
  const ms = performance.now() - started;
  await poller.stop(1000);
  await source.close();
  return ms;
}

const consume = (kind: Kind, q: { url: string; arn: string }, count: number, onBatch: OnBatch) =>
  kind === 'raw' ? rawConsumer(q.url, count, onBatch) : sluiceConsumer(q.arn, count, onBatch);

/** Records/s, and this process's CPU time per record (µs): less sensitive to a busy machine than wall time. */
async function throughput(kind: Kind, n = N): Promise<{ rate: number; cpuUs: number }> {
  const q = await createQueue(kind);
  await preload(q.url, n);
  const cpu = process.cpuUsage();
  const ms = await consume(kind, q, n, undefined);
  const used = process.cpuUsage(cpu);
  await client.send(new DeleteQueueCommand({ QueueUrl: q.url }));
  return { rate: (n / ms) * 1000, cpuUs: (used.user + used.system) / n };
}

/** Sends `LN` messages at `RATE`/s while the consumer runs; returns send-to-handler latencies in ms. */
async function latency(kind: Kind): Promise<number[]> {
  const q = await createQueue(`${kind}-lat`);
  const lat: number[] = [];
  const onBatch: OnBatch = (bodies) => {
    const now = Date.now();
    for (const b of bodies) lat.push(now - (JSON.parse(b) as { t: number }).t);
  };
  const consumer = consume(kind, q, LN, onBatch);
  await new Promise((r) => setTimeout(r, 300)); // consumer is long-polling
  const batchEveryMs = (10 / RATE) * 1000;
  const start = Date.now();
  for (let sent = 0; sent < LN; sent += 10) {
    const due = start + (sent / 10) * batchEveryMs;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const n = Math.min(10, LN - sent);
    void sendBatch(
      q.url,
      Array.from({ length: n }, () => JSON.stringify({ t: Date.now() })),
    );
  }
  await consumer;
  await client.send(new DeleteQueueCommand({ QueueUrl: q.url }));
  return lat;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 === 1 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  console.log(
    `SQS benchmark on ${endpoint}: concurrency ${C}; throughput ${ROUNDS} pairs of ${N} messages; latency ${LN} at ${RATE}/s`,
  );
  // Warm both paths (server JIT, sockets), then run in both orders so warm-up and GC do not favour one side.
  await throughput('raw', 1000);
  await throughput('sluice', 1000);
  const rates: Record<Kind, number[]> = { raw: [], sluice: [] };
  const cpus: Record<Kind, number[]> = { raw: [], sluice: [] };
  // Back-to-back pairs in alternating order; the median pair ratio resists the load swings of a shared machine.
  const pairRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['raw', 'sluice'] as const) : (['sluice', 'raw'] as const);
    const pair: Partial<Record<Kind, number>> = {};
    for (const kind of order) {
      const r = await throughput(kind);
      rates[kind].push(r.rate);
      cpus[kind].push(r.cpuUs);
      pair[kind] = r.rate;
      console.log(`  throughput ${kind.padEnd(6)} ${r.rate.toFixed(0)} records/s, ${r.cpuUs.toFixed(0)} µs CPU/record`);
    }
    pairRatios.push(pair.sluice! / pair.raw!);
  }
  const lats: Record<Kind, number[]> = { raw: await latency('raw'), sluice: await latency('sluice') };
  console.log('');
  console.log('                        records/s   CPU µs/rec   p50 ms   p99 ms');
  for (const kind of ['raw', 'sluice'] as const) {
    const label = kind === 'raw' ? 'raw client-sqs loop' : 'sluice queue poller';
    const cols = [
      mean(rates[kind]).toFixed(0).padStart(10),
      mean(cpus[kind]).toFixed(0).padStart(12),
      pct(lats[kind], 50).toFixed(0).padStart(8),
      pct(lats[kind], 99).toFixed(0).padStart(8),
    ];
    console.log(`${label.padEnd(22)} ${cols.join(' ')}`);
  }
  console.log(
    `ratio sluice/raw throughput: ${median(pairRatios).toFixed(2)} (median of ${ROUNDS} back-to-back pairs: ${pairRatios.map((r) => r.toFixed(2)).join(' ')}; target >= 0.9)`,
  );
  client.destroy();
}

await main();
