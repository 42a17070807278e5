// CPU per SQS record of sluice's queue path without a broker (#20 item 1): ReceiveMessage-shaped messages go
// through the connector's toQueueMessage, the core Batcher (BatchSize 10 and 100) and the event bytes the engine
// sends. Run: npx tsx bench/sqs-record-cost.ts [path of a record.ts to compare, e.g. an older copy]
import type { Message } from '@aws-sdk/client-sqs';
import { pathToFileURL } from 'node:url';
import { Batcher } from '../src/core/batch/batcher.js';
import type { QueueEvents, QueueMessage } from '../src/ports/queue-source.js';

interface RecordModule {
  toQueueMessage(m: Message, arn: string, region: string): QueueMessage;
  sqsEvents: QueueEvents;
}

const ARN = 'arn:aws:sqs:us-east-1:123456789012:bench';

function messages(n: number, bodyBytes: number): Message[] {
  const body = 'x'.repeat(bodyBytes);
  return Array.from({ length: n }, (_, i) => ({
    MessageId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    ReceiptHandle: `AQEB${'r'.repeat(150)}${i}`,
    Body: body,
    MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    MD5OfMessageAttributes: 'ab9d3c6e3e1c1c3f6f0a2d2c4e0a1b2c',
    Attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    MessageAttributes: { type: { DataType: 'String', StringValue: 'order' } },
  }));
}

function cpuUs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

function run(mod: RecordModule, msgs: readonly Message[], batch: number): number {
  const batcher = new Batcher<QueueMessage>(
    { batchSize: batch, maxBatchingWindowMs: 0, maxPayloadBytes: 6 * 1024 * 1024 },
    (m) => m.sizeBytes,
    mod.sqsEvents.envelopeBytes,
  );
  // The engine sends the event as a Buffer; the older contract returned an object it stringified.
  const send = (ms: readonly QueueMessage[]) => {
    const ev: unknown = mod.sqsEvents.event(ms);
    return Buffer.from(typeof ev === 'string' ? ev : JSON.stringify(ev)).length;
  };
  let bytes = 0;
  for (const m of msgs) {
    batcher.push(mod.toQueueMessage(m, ARN, 'us-east-1'), 0);
    if (batcher.length >= batch) bytes += send(batcher.take(40).items);
  }
  if (batcher.length > 0) bytes += send(batcher.take(40).items);
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const mod = (await import(
  process.argv[2] === undefined ? '../connectors/sqs/record.js' : pathToFileURL(process.argv[2]).href
)) as RecordModule;
for (const [label, n, size] of [
  ['100 B', 50_000, 100],
  ['1 KB', 50_000, 1024],
  ['64 KB', 2_000, 64 * 1024],
] as const) {
  const msgs = messages(n, size);
  for (const batch of [10, 100]) {
    run(mod, msgs, batch); // warm-up
    const us: number[] = [];
    for (let round = 0; round < 7; round++) us.push(cpuUs(() => run(mod, msgs, batch)) / n);
    console.log(`sqs ${label.padEnd(6)} batch ${String(batch).padEnd(3)} ${median(us).toFixed(2)} µs/rec`);
  }
}
