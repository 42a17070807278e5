// sluice's SQS queue poller vs a plain @aws-sdk/client-sqs receive/delete loop, same client library, same
// concurrency, same server, same run:
//   1. throughput: drain a pre-loaded queue (no-op handler), records/s per side in back-to-back pairs of
//      alternating order, so warm-up and load swings of a shared machine favour neither side;
//   2. latency: messages sent at a steady rate to an empty queue, p50/p99 from send (timestamp in the body)
//      to the handler seeing the record.
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { sqsConnector } from '../../connectors/sqs/index.js';
import { createQueuePoller } from '../../src/core/esm/queue-poller.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import type { Labels, Metrics } from '../../src/ports/metrics.js';
import { quantiles } from '../lib/measure.js';
import { AWS_ACCOUNT, awsCredentials, AWS_REGION, CostMeter, quietLogger, sleep, systemClock } from '../lib/runtime.js';
import { serverCpuOf, serverCpuParams, TreeCpuMeter } from '../lib/proc-cpu.js';
import { serverPid, sqsEndpoint } from '../lib/servers.js';
import { fromRounds } from '../lib/stats.js';
import type { BenchContext, BenchRow, Scenario } from '../lib/types.js';

interface Config {
  /** Messages per throughput run. */
  n: number;
  /** raw/sluice pairs. */
  rounds: number;
  warmup: number;
  /** Concurrent receive loops on both sides. */
  concurrency: number;
  latencyN: number;
  /** Messages/s during the latency run. */
  rate: number;
}

// ≥ 10,000 messages per run: shorter runs (0.1–1 s) moved the ratio by ±0.45 between runs.
const FULL: Config = { n: 20_000, rounds: 5, warmup: 1000, concurrency: 10, latencyN: 500, rate: 500 };
const QUICK: Config = { n: 10_000, rounds: 3, warmup: 300, concurrency: 10, latencyN: 300, rate: 300 };

type Kind = 'raw' | 'sluice';
/** Called with the bodies of each batch the consumer hands to its "function"; undefined = leave them unparsed. */
type OnBatch = ((bodies: string[]) => void) | undefined;
interface Queue {
  url: string;
  arn: string;
}

class SqsBench {
  readonly client: SQSClient;

  constructor(
    readonly endpoint: string,
    readonly cfg: Config,
  ) {
    this.client = new SQSClient({
      region: AWS_REGION,
      endpoint,
      credentials: awsCredentials(),
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: 2000 } },
    });
  }

  async createQueue(label: string): Promise<Queue> {
    const name = `bench-${label}-${randomUUID().slice(0, 8)}`;
    const { QueueUrl } = await this.client.send(new CreateQueueCommand({ QueueName: name }));
    return { url: QueueUrl!, arn: `arn:aws:sqs:${AWS_REGION}:${AWS_ACCOUNT}:${name}` };
  }

  deleteQueue(q: Queue): Promise<unknown> {
    return this.client.send(new DeleteQueueCommand({ QueueUrl: q.url })).catch(() => undefined);
  }

  async sendBatch(url: string, bodies: string[]): Promise<void> {
    await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
  }

  async preload(url: string, count: number): Promise<void> {
    const body = JSON.stringify({ payload: 'x'.repeat(200) });
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < count) {
          const n = Math.min(10, count - next);
          next += n;
          await this.sendBatch(
            url,
            Array.from({ length: n }, () => body),
          );
        }
      }),
    );
    // Count at build: every message is on the queue before the clock starts (ElasticMQ counts exactly).
    const { Attributes } = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const got = Number(Attributes?.ApproximateNumberOfMessages);
    if (got !== count) throw new Error(`sqs backlog holds ${got} messages, expected ${count}`);
  }

  /** The same work without sluice: C loops of ReceiveMessage(10) + DeleteMessageBatch until `count` are deleted. */
  async raw(q: Queue, count: number, onBatch: OnBatch): Promise<number> {
    let deleted = 0;
    let finishedAt = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: this.cfg.concurrency }, async () => {
        while (deleted < count) {
          const r = await this.client.send(
            new ReceiveMessageCommand({
              QueueUrl: q.url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
          );
          const msgs = r.Messages ?? [];
          if (msgs.length === 0) continue;
          onBatch?.(msgs.map((m) => m.Body ?? ''));
          await this.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: q.url,
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

  /** sluice's queue poller with the real SQS connector and a no-op function, until `count` are deleted. */
  async sluice(q: Queue, count: number, onBatch: OnBatch): Promise<number> {
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
    const source = sqsConnector.createQueueSource!(q.arn, {
      connection: { endpoint: this.endpoint, region: AWS_REGION, credentials: awsCredentials() },
      region: AWS_REGION,
      accountId: AWS_ACCOUNT,
      logger: quietLogger,
      metrics,
    });
    const C = this.cfg.concurrency;
    const poller = createQueuePoller({
      source,
      invoker: noop,
      metrics,
      clock: systemClock,
      logger: quietLogger,
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

  consume(kind: Kind, q: Queue, count: number, onBatch: OnBatch): Promise<number> {
    return kind === 'raw' ? this.raw(q, count, onBatch) : this.sluice(q, count, onBatch);
  }

  /** Records/s draining a pre-loaded queue; only the draining is inside `meter` and `server` (ElasticMQ's CPU). */
  async throughput(kind: Kind, n: number, meter?: CostMeter, server?: TreeCpuMeter): Promise<number> {
    const q = await this.createQueue(kind);
    try {
      await this.preload(q.url, n);
      const consume = () => this.consume(kind, q, n, undefined);
      const drain = server ? () => server.measure(consume) : consume;
      const ms = meter ? await meter.measure(drain) : await drain();
      return (n / ms) * 1000;
    } finally {
      await this.deleteQueue(q);
    }
  }

  /** Sends latencyN messages at `rate`/s while the consumer runs; send-to-handler latencies in ms. */
  async latency(kind: Kind): Promise<number[]> {
    const { latencyN, rate } = this.cfg;
    const q = await this.createQueue(`${kind}-lat`);
    try {
      const lat: number[] = [];
      const onBatch: OnBatch = (bodies) => {
        const now = Date.now();
        for (const b of bodies) lat.push(now - (JSON.parse(b) as { t: number }).t);
      };
      const consumer = this.consume(kind, q, latencyN, onBatch);
      await sleep(300); // consumer is long-polling
      const batchEveryMs = (10 / rate) * 1000;
      const start = Date.now();
      const sends: Promise<void>[] = [];
      for (let sent = 0; sent < latencyN; sent += 10) {
        const due = start + (sent / 10) * batchEveryMs;
        if (due > Date.now()) await sleep(due - Date.now());
        const n = Math.min(10, latencyN - sent);
        sends.push(
          this.sendBatch(
            q.url,
            Array.from({ length: n }, () => JSON.stringify({ t: Date.now() })),
          ),
        );
      }
      await Promise.all(sends);
      await consumer;
      return lat;
    } finally {
      await this.deleteQueue(q);
    }
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cfg = ctx.quick ? QUICK : FULL;
  const endpoint = sqsEndpoint();
  const bench = new SqsBench(endpoint, cfg);
  const pid = serverPid('sqs', endpoint);
  const servers = pid === undefined ? undefined : { raw: new TreeCpuMeter(pid), sluice: new TreeCpuMeter(pid) };
  try {
    ctx.progress('warm-up');
    await bench.throughput('raw', cfg.warmup);
    await bench.throughput('sluice', cfg.warmup);
    const rates: Record<Kind, number[]> = { raw: [], sluice: [] };
    const meters: Record<Kind, CostMeter> = { raw: new CostMeter(), sluice: new CostMeter() };
    for (let round = 0; round < cfg.rounds; round++) {
      const order: Kind[] = round % 2 === 0 ? ['raw', 'sluice'] : ['sluice', 'raw'];
      for (const kind of order) {
        ctx.progress(`throughput round ${round + 1}/${cfg.rounds}: ${kind}`);
        rates[kind].push(await bench.throughput(kind, cfg.n, meters[kind], servers?.[kind]));
      }
    }
    ctx.progress('latency: raw');
    const rawLat = quantiles(await bench.latency('raw'));
    ctx.progress('latency: sluice');
    const sluiceLat = quantiles(await bench.latency('sluice'));
    return [
      {
        group: 'sqs',
        rawLoop: 'ReceiveMessage(10) + DeleteMessageBatch loops, same client',
        name: `drain, ${cfg.concurrency} loops × batch 10`,
        unit: 'records/s',
        sluice: { ...fromRounds(rates.sluice), latency: sluiceLat, cost: meters.sluice.cost() },
        raw: { ...fromRounds(rates.raw), latency: rawLat, cost: meters.raw.cost() },
        params: {
          messages: cfg.n,
          rounds: cfg.rounds,
          concurrency: cfg.concurrency,
          bodyBytes: 214,
          latencyMessages: cfg.latencyN,
          latencyRate: cfg.rate,
          ...serverCpuParams('ElasticMQ', serverCpuOf(servers), {
            sluice: meters.sluice.cost()?.cpuPercent,
            raw: meters.raw.cost()?.cpuPercent,
          }),
        },
        notes:
          'ElasticMQ; throughput = median of alternating rounds; latency = send→handler at a steady rate on an ' +
          'empty queue; raw = ReceiveMessage(10)+DeleteMessageBatch loops with the same client',
      },
    ];
  } finally {
    bench.client.destroy();
  }
}

export const sqsScenario: Scenario = { id: 'sqs', title: 'SQS on ElasticMQ', run };
