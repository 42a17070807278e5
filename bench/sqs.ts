// Throughput of sluice's queue poller vs a plain @aws-sdk/client-sqs receive/delete loop on the same server.
//   SLUICE_SQS_ENDPOINT=http://127.0.0.1:9324 npx tsx bench/sqs.ts
// Env: SLUICE_BENCH_N (messages, default 20000), SLUICE_BENCH_CONCURRENCY (concurrent batches, default 10).
import { randomUUID } from 'node:crypto';
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

const endpoint = process.env['SLUICE_SQS_ENDPOINT'];
if (!endpoint) throw new Error('set SLUICE_SQS_ENDPOINT, e.g. http://127.0.0.1:9324');
const N = Number(process.env['SLUICE_BENCH_N'] ?? 20_000);
const C = Number(process.env['SLUICE_BENCH_CONCURRENCY'] ?? 10);
const region = 'us-east-1';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const client = new SQSClient({
  region,
  endpoint,
  credentials,
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 2000 } },
});

async function createLoadedQueue(label: string, count: number): Promise<{ url: string; arn: string }> {
  const name = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const url = QueueUrl!;
  const body = JSON.stringify({ payload: 'x'.repeat(200) });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const start = next;
        next += 10;
        const n = Math.min(10, count - start);
        await client.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: body })),
          }),
        );
      }
    }),
  );
  return { url, arn: `arn:aws:sqs:${region}:000000000000:${name}` };
}

/** The same work without sluice: C loops of ReceiveMessage(10) + DeleteMessageBatch. */
async function rawLoop(url: string, count: number): Promise<number> {
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
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        deleted += msgs.length;
        // stop the clock at the last delete, as for sluice (idle 1 s polls of the other loops do not count)
        if (deleted >= count) finishedAt = performance.now();
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

async function sluiceLoop(arn: string, count: number): Promise<number> {
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
    invoke: () => Promise.resolve({ kind: 'success', payload: Buffer.alloc(0), durationMs: 0, coldStart: false }),
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

async function measure(kind: 'raw' | 'sluice', n = N): Promise<number> {
  const q = await createLoadedQueue(kind, n);
  const ms = kind === 'raw' ? await rawLoop(q.url, n) : await sluiceLoop(q.arn, n);
  await client.send(new DeleteQueueCommand({ QueueUrl: q.url }));
  return (n / ms) * 1000;
}

async function main(): Promise<void> {
  console.log(`SQS benchmark: ${N} messages, concurrency ${C}, server ${endpoint}`);
  // Warm the server's JIT on both paths first, then two rounds in opposite order so server warm-up and GC do not favour one side.
  await measure('raw', 3000);
  await measure('sluice', 3000);
  const rates = { raw: [] as number[], sluice: [] as number[] };
  for (const order of [['raw', 'sluice'] as const, ['sluice', 'raw'] as const]) {
    for (const kind of order) {
      const rate = await measure(kind);
      rates[kind].push(rate);
      console.log(`  ${kind.padEnd(6)} ${rate.toFixed(0)} records/s`);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`raw client-sqs loop: ${mean(rates.raw).toFixed(0)} records/s (mean of ${rates.raw.length})`);
  console.log(`sluice queue poller: ${mean(rates.sluice).toFixed(0)} records/s (mean of ${rates.sluice.length})`);
  console.log(`ratio sluice/raw: ${(mean(rates.sluice) / mean(rates.raw)).toFixed(2)}`);
  client.destroy();
}

await main();
