// Scenario c: a misbehaving handler on an SQS mapping with ReportBatchItemFailures. It hangs past its timeout
// (ERR-4), exits its worker (ERR-3), throws, returns malformed batchItemFailures (SQS-19), returns something that
// is not JSON-serialisable, or returns more than 6 MB. Each makes the whole batch fail; the queue's redrive
// policy (maxReceiveCount 2, SQS-15) moves repeat offenders to the DLQ. Faults marked "once" happen on the first
// receive only, so those messages must succeed on the retry or end in the DLQ (a batch-mate can fail them again).
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { closeClients, servers, sqsClient, uniqueName } from '../services/inject.js';
import {
  FAULT_FIXTURES,
  Sluice,
  audit,
  createQueue,
  drainQueue,
  queueDepth,
  readRecords,
  recordLog,
  sqsConnections,
  until,
} from './harness.js';

const FAULTS = ['hang', 'exit', 'throw', 'garbage-id', 'garbage-shape', 'unserialisable', 'oversize'] as const;

let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
  await closeClients();
});

it('ERR-3/ERR-4/SQS-19 hang, exit, garbage and oversized responses: retried, then succeed or reach the DLQ (lost = 0)', async () => {
  const sqs = sqsClient();
  const dlq = await createQueue(sqs, uniqueName('faults-hf-dlq'));
  const queue = await createQueue(sqs, uniqueName('faults-hf'), {
    VisibilityTimeout: '3',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
  });
  const log = recordLog();
  sluice = await Sluice.start({
    connections: sqsConnections(servers().sqs.endpoint),
    functions: {
      misbehave: {
        Handler: 'handlers.misbehave',
        CodeUri: FAULT_FIXTURES,
        Timeout: 2, // P-6: ≤ the 3 s visibility timeout
        Environment: { Variables: { FAULTS_LOG: log } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'misbehave',
        EventSourceArn: queue.arn,
        Connection: 'sqs',
        BatchSize: 4,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ],
  });

  // Faults interleaved with good messages, so they share batches.
  const faults = FAULTS.flatMap((fault) => ['always', 'once'].map((when) => ({ id: `${when}-${fault}`, fault, when })));
  const bodies: Array<{ id: string; fault?: string; when?: string }> = [];
  for (let i = 0; i < 30; i++) {
    bodies.push({ id: `ok${i}` });
    if (i % 2 === 1 && faults.length > 0) bodies.push(faults.shift()!);
  }
  bodies.push(...faults);
  const startedAtMs = Date.now();
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: String(j), MessageBody: JSON.stringify(b) })),
      }),
    );
  }

  const settledAtMs = await until(
    async () => ((await queueDepth(sqs, queue)) === 0 ? Date.now() : undefined),
    60_000,
    'queue emptied',
  );
  const inDlq = (await drainQueue(sqs, dlq)).map((b) => (JSON.parse(b) as { id: string }).id);
  const handled = readRecords(log);
  const row = audit({
    scenario: 'c. SQS handler faults (hang, exit, throw, garbage, >6 MB)',
    produced: bodies.map((b) => b.id),
    handled,
    inDestination: inDlq,
    startedAtMs,
    settledAtMs,
    note: 'ReportBatchItemFailures; visibility 3 s; DLQ maxReceiveCount 2',
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  // A message that always faults is never reported as handled, and ends in the DLQ.
  const handledIds = new Set(handled.map((h) => h.id));
  for (const fault of FAULTS) {
    expect(handledIds.has(`always-${fault}`), `always-${fault} handled`).toBe(false);
    expect(inDlq, `always-${fault} in the DLQ`).toContain(`always-${fault}`);
  }
  // The service survived every fault.
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
});
