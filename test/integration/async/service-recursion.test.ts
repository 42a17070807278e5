// ERR-6 / REC-1 / REC-2 / REC-5 / REC-7 through the built service: a function that is its own OnSuccess destination
// (sluice submits the record to it again, carrying the trace header's Lineage) runs 16 times; the 17th run is
// stopped and goes to the DLQ. Before the guard it ran forever (1,313 invocations in 10 s, issue #13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import { lineageHash } from '../../../src/core/async/lineage.js';
import {
  ACCOUNT,
  asyncQueueDepth,
  attemptLog,
  attempts,
  createQueue,
  deleteQueues,
  fn,
  Inbox,
  REGION,
  resetAsyncQueue,
  serviceConfig,
  type TestQueue,
} from './service-kit.js';

const DB = 14;
const LOOP_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:loop`;
let svc: Service;
let queues: TestQueue[];
let dlq: Inbox;

beforeAll(async () => {
  await resetAsyncQueue(DB);
  queues = [await createQueue('loop-dlq')];
  dlq = new Inbox(queues[0]!);
  svc = await startService(
    serviceConfig(DB, {
      loop: fn({
        Handler: 'handlers.hop',
        EventInvokeConfig: { DestinationConfig: { OnSuccess: { Destination: LOOP_ARN } } },
        DeadLetterConfig: { TargetArn: queues[0]!.arn },
      }),
    }),
  );
});

afterAll(async () => {
  const code = await svc?.stop();
  await deleteQueues(queues ?? []);
  await closeClients();
  expect(code).toBe(0);
});

const invokeEvent = async (event: object, headers: Record<string, string> = {}) => {
  const res = await fetch(`${svc.url}/2015-03-31/functions/loop/invocations`, {
    method: 'POST',
    headers: { 'X-Amz-Invocation-Type': 'Event', ...headers },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(202);
  return res.headers.get('x-amzn-requestid')!;
};

describe('recursion guard through the service', () => {
  it('ERR-6 REC-2 REC-7 a function that is its own OnSuccess destination runs 16 times, then the loop is stopped', async () => {
    const log = attemptLog();
    await invokeEvent({ log });
    const [dead] = await dlq.waitFor((rs) => (rs.length >= 1 ? dlq.messages : undefined), 60_000);
    expect(dead?.MessageAttributes?.ErrorCode?.StringValue).toBe('400');
    await eventually(async () => ((await asyncQueueDepth(DB)) === 0 ? true : undefined));
    expect(attempts(log)).toHaveLength(16);
    expect(await metricValue(svc.url, 'sluice_recursive_invocations_dropped_total', { function: 'loop' })).toBe(1);
    // The loop stays stopped: nothing more runs.
    await dlq.settle(2_000);
    expect(attempts(log)).toHaveLength(16);
    expect(dlq.messages).toHaveLength(1);
  }, 90_000);

  it('REC-1 REC-5 the Invoke API reads Lineage from X-Amzn-Trace-Id: an event already at 16 runs is not run', async () => {
    const log = attemptLog();
    const trace = `Root=1-5f84c7a5-6c1e1e4e8c0b8c1d2e3f4a5b;Lineage=${lineageHash(LOOP_ARN)}:16`;
    const requestId = await invokeEvent({ log }, { 'X-Amzn-Trace-Id': trace });
    const dead = await dlq.waitFor((rs) =>
      rs.length >= 2 ? dlq.messages.find((m) => m.MessageAttributes?.RequestID?.StringValue === requestId) : undefined,
    );
    expect(JSON.parse(dead.Body!)).toEqual({ log });
    expect(attempts(log)).toHaveLength(0);
  }, 60_000);
});
