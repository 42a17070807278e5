// Scenario a: an SQS mapping under steady load; sluice is SIGKILLed mid-stream and restarted with the same
// config. In-flight messages come back after the visibility timeout (SQS-10), so nothing is lost; records
// handled but not yet deleted at the kill are duplicates (SQS-16).
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { closeClients, servers, sqsClient, uniqueName } from '../services/inject.js';
import {
  FAULT_FIXTURES,
  Sluice,
  audit,
  createQueue,
  queueDepth,
  readRecords,
  recordLog,
  sqsConnections,
  steadyLoad,
  until,
} from './harness.js';

let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
  await closeClients();
});

it('SQS-10/SQS-16 SIGKILL under load, restart: every message processed or filtered (lost = 0)', async () => {
  const sqs = sqsClient();
  // P-6: function Timeout (2 s) ≤ visibility timeout (5 s); short so redelivery after the kill is quick.
  const queue = await createQueue(sqs, uniqueName('faults-kill'), { VisibilityTimeout: '5' });
  const log = recordLog();
  sluice = await Sluice.start({
    connections: sqsConnections(servers().sqs.endpoint),
    functions: {
      recorder: {
        Handler: 'handlers.sqsRecorder',
        CodeUri: FAULT_FIXTURES,
        Timeout: 2,
        Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '200' } },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'recorder',
        EventSourceArn: queue.arn,
        Connection: 'sqs',
        BatchSize: 5,
        // SQS-26: non-matching messages are deleted; every 10th message is "skip".
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['work'] } }) }] },
      },
    ],
  });

  const produced: string[] = [];
  const skipped: string[] = [];
  const total = 240;
  const load = steadyLoad(40, total, async (i) => {
    const id = `m${i}`;
    const kind = i % 10 === 9 ? 'skip' : 'work';
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ id, kind }) }));
    produced.push(id);
    if (kind === 'skip') skipped.push(id);
  });
  // Kill once the service is busy, restart at once; the producer keeps going meanwhile.
  await until(() => (readRecords(log).length >= 60 ? true : undefined), 30_000, 'first records handled');
  const killedPid = sluice.pid;
  const faultAtMs = Date.now();
  await sluice.kill();
  await sluice.restart();
  await load;

  const settledAtMs = await until(
    async () => ((await queueDepth(sqs, queue)) === 0 ? Date.now() : undefined),
    45_000,
    'queue drained',
  );
  const row = audit({
    scenario: 'a. SQS: SIGKILL sluice under load, restart',
    produced,
    handled: readRecords(log),
    filtered: skipped,
    faultAtMs,
    killedPid,
    settledAtMs,
    note: 'visibility 5 s; 40 msg/s; handler records, then works 200 ms',
  });
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
});
