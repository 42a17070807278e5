// Shared pieces of the SQS integration tests: the real connector against the server from env.ts, a plain
// JavaScript function behind the Invoker interface, a real clock, and unique queue names per test.
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { sqsConnector } from '../../../connectors/sqs/index.js';
import { createQueuePoller, type QueuePoller, type RecordFilter } from '../../../src/core/esm/queue-poller.js';
import type { QueueMappingOptions } from '../../../src/core/esm/queue-options.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { Clock } from '../../../src/ports/clock.js';
import type { ConnectorContext } from '../../../src/ports/connector.js';
import type { InvokeResult } from '../../../src/ports/function-runtime.js';
import type { Logger } from '../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../src/ports/metrics.js';
import type { QueueSource } from '../../../src/ports/queue-source.js';
import { sqsEndpoint } from './env.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
// A fresh object each time: the AWS SDK marks the credentials object it is given (`$source`), and a connection
// must not carry that mark into the connector's strict schema.
const credentials = () => ({ accessKeyId: 'x', secretAccessKey: 'x' });

export const admin = (): SQSClient =>
  new SQSClient({ region: REGION, endpoint: sqsEndpoint(), credentials: credentials() });

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export class CountingMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  inc(name: string, _labels?: Labels, value = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }
  set(): void {}
  observe(): void {}
  count(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}

export function connectorContext(): ConnectorContext {
  return {
    connection: { endpoint: sqsEndpoint(), region: REGION, credentials: credentials() },
    region: REGION,
    accountId: ACCOUNT,
    logger: silentLogger,
    metrics: new CountingMetrics(),
  };
}

export type LambdaHandler = (event: { Records: Array<Record<string, unknown>> }, context: object) => unknown;

/** Runs a JavaScript handler like the Node.js runtime would: a throw is a function error, a return is the payload. */
export function jsInvoker(handler: LambdaHandler): Invoker {
  return {
    has: () => true,
    async invoke(functionName, req): Promise<InvokeResult> {
      const started = Date.now();
      const event = JSON.parse(req.payload.toString('utf8')) as { Records: Array<Record<string, unknown>> };
      const context = { functionName, awsRequestId: req.requestId, getRemainingTimeInMillis: () => 30_000 };
      try {
        const result = await handler(event, context);
        const payload = Buffer.from(JSON.stringify(result ?? null));
        return { kind: 'success', payload, durationMs: Date.now() - started, coldStart: false };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const payload = Buffer.from(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
        return {
          kind: 'function-error',
          payload,
          errorType: e.name,
          durationMs: Date.now() - started,
          coldStart: false,
        };
      }
    },
  };
}

export interface TestQueue {
  name: string;
  url: string;
  arn: string;
}

export class SqsTestBed {
  readonly client = admin();
  readonly queues: TestQueue[] = [];
  readonly pollers: QueuePoller[] = [];
  readonly sources: QueueSource[] = [];

  async createQueue(prefix: string, attributes: Record<string, string> = {}, fifo = false): Promise<TestQueue> {
    const name = `${prefix}-${randomUUID().slice(0, 8)}${fifo ? '.fifo' : ''}`;
    const r = await this.client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {}), ...attributes },
      }),
    );
    const q = { name, url: r.QueueUrl!, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` };
    this.queues.push(q);
    return q;
  }

  async send(
    q: TestQueue,
    bodies: string[],
    opts: { groupId?: (i: number) => string; attributes?: Record<string, MessageAttributeValue> } = {},
  ): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: q.url,
          Entries: bodies.slice(i, i + 10).map((body, j) => ({
            Id: String(j),
            MessageBody: body,
            ...(opts.groupId ? { MessageGroupId: opts.groupId(i + j) } : {}),
            ...(opts.attributes ? { MessageAttributes: opts.attributes } : {}),
          })),
        }),
      );
    }
  }

  /** Visible + in flight + delayed messages still on the queue. */
  async remaining(q: TestQueue): Promise<number> {
    const r = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = r.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages) +
      Number(a.ApproximateNumberOfMessagesNotVisible) +
      Number(a.ApproximateNumberOfMessagesDelayed)
    );
  }

  async receiveAll(q: TestQueue, waitSeconds = 1) {
    const r = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: q.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return r.Messages ?? [];
  }

  /** Starts the real SQS connector and the poller for `q`, with the queue's own visibility timeout (P-6). */
  async startPoller(
    q: TestQueue,
    handler: LambdaHandler | Invoker,
    options: Partial<QueueMappingOptions> = {},
    filter?: RecordFilter,
    /** Instrument the real source (e.g. count receives); never replaces what it does. */
    wrap: (s: QueueSource) => QueueSource = (s) => s,
  ): Promise<{ poller: QueuePoller; metrics: CountingMetrics; source: QueueSource }> {
    const source = wrap(sqsConnector.createQueueSource!(q.arn, connectorContext()));
    this.sources.push(source);
    const settings = await source.describe!();
    const metrics = new CountingMetrics();
    const poller = createQueuePoller({
      source,
      invoker: typeof handler === 'function' ? jsInvoker(handler) : handler,
      metrics,
      clock: realClock,
      logger: silentLogger,
      filter,
      options: {
        mappingId: `it-${q.name}`,
        functionName: 'fn',
        batchSize: 10,
        maxBatchingWindowMs: 0,
        reportBatchItemFailures: false,
        fifo: settings.fifo,
        functionTimeoutMs: Math.min(3000, settings.visibilityTimeoutMs),
        visibilityTimeoutMs: settings.visibilityTimeoutMs,
        ...options,
      },
    });
    this.pollers.push(poller);
    poller.start();
    return { poller, metrics, source };
  }

  async close(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop(2000)));
    await Promise.all(this.sources.map((s) => s.close()));
    await Promise.all(
      this.queues.map((q) => this.client.send(new DeleteQueueCommand({ QueueUrl: q.url })).catch(() => undefined)),
    );
    this.client.destroy();
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
