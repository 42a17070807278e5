// ASY-7, ASY-8, D-5 with a real MaximumEventAgeInSeconds: 60 s is the smallest Lambda allows, so this file takes
// about a minute. One event fails once and its retry would be due past its expiry, so it leaves right after that
// attempt, as Lambda does; another is throttled the whole time by a busy reserved-concurrency-1 function and leaves
// when no further retry can start in time. Both leave through OnFailure and the DLQ as EventAgeExceeded.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import {
  ACCOUNT,
  asyncQueueDepth,
  attemptLog,
  attempts,
  createQueue,
  deleteQueues,
  fn,
  Inbox,
  json,
  lambdaClient,
  REGION,
  resetAsyncQueue,
  serviceConfig,
  type TestQueue,
} from './service-kit.js';

const DB = 12;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let svc: Service;
let queues: TestQueue[];
let success: Inbox;
let failure: Inbox;
let dlq: Inbox;

beforeAll(async () => {
  await resetAsyncQueue(DB);
  queues = await Promise.all(['age-ok', 'age-fail', 'age-dlq'].map(createQueue));
  const [S, F, D] = queues as [TestQueue, TestQueue, TestQueue];
  [success, failure, dlq] = [new Inbox(S), new Inbox(F), new Inbox(D)];
  const asyncConfig = {
    MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnSuccess: { Destination: S.arn }, OnFailure: { Destination: F.arn } },
  };
  svc = await startService(
    serviceConfig(
      DB,
      {
        failing: fn({ EventInvokeConfig: asyncConfig, DeadLetterConfig: { TargetArn: D.arn } }),
        busy: fn({
          Timeout: 120,
          ReservedConcurrentExecutions: 1,
          EventInvokeConfig: asyncConfig,
          DeadLetterConfig: { TargetArn: D.arn },
        }),
      },
      // Retry gaps longer than the event's life: the 2nd attempt could never start before the expiry.
      { tuning: { asyncRetryDelaysSeconds: [90, 90], throttleBackoffSeconds: { base: 0.5, max: 2 } } },
    ),
  );
});

afterAll(async () => {
  const code = await svc?.stop();
  await deleteQueues(queues ?? []);
  await closeClients();
  expect(code).toBe(0);
});

describe('MaximumEventAgeInSeconds through the service', () => {
  it('ASY-7 ASY-8 D-5 events that cannot be retried within MaximumEventAgeInSeconds (60) go to OnFailure and the DLQ as EventAgeExceeded, without waiting for the limit', async () => {
    const lambda = lambdaClient(svc.url);
    const send = async (name: string, event: object) =>
      (await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: json(event) })))
        .$metadata.requestId!;
    const failLog = attemptLog();
    const busyLog = attemptLog();
    const failing = await send('failing', { fail: true, log: failLog });
    const blocker = await send('busy', { tag: 'blocker', ms: 63_000, log: busyLog });
    await eventually(() => Promise.resolve(attempts(busyLog).length > 0 ? true : undefined));
    const sentAt = Date.now();
    const throttled = await send('busy', { tag: 'throttled', log: busyLog });

    // Failed once; the retry (due in 90 s) could not start before the 60 s limit, so the event leaves right after
    // the attempt with its last response (before this fix it waited for the limit).
    const aged = await failure.byRequestId(failing, 90_000);
    expect(aged).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(ISO) as unknown,
      requestContext: {
        requestId: failing,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:failing:$LATEST`,
        condition: 'EventAgeExceeded',
        approximateInvokeCount: 1,
      },
      requestPayload: { fail: true, log: failLog },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: expect.objectContaining({ errorType: 'Error', errorMessage: 'attempt 1 failed' }) as unknown,
    });
    expect(attempts(failLog)).toHaveLength(1);
    expect(Date.parse(aged.timestamp) - attempts(failLog)[0]!.at).toBeLessThan(30_000);

    // Throttled for its whole life: never run, so no response in the record (D-5), and the retries never counted.
    // It leaves once the next backoff (at most 2 s here) would end past the limit.
    const starved = await failure.byRequestId(throttled, 90_000);
    expect(starved.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 0 });
    expect(starved).not.toHaveProperty('responseContext');
    expect(starved).not.toHaveProperty('responsePayload');
    expect(Date.parse(starved.timestamp) - sentAt).toBeGreaterThanOrEqual(57_000);
    expect(attempts(busyLog).map((a) => a.tag)).toEqual(['blocker']);

    // ASY-8: sent to the DLQ as well, then discarded.
    const dead = await dlq.waitFor((rs) => (rs.length >= 2 ? dlq.messages : undefined));
    const byId = new Map(dead.map((m) => [m.MessageAttributes?.RequestID?.StringValue, m]));
    expect(byId.get(failing)?.MessageAttributes?.ErrorCode?.StringValue).toBe('200');
    expect(byId.get(throttled)?.MessageAttributes?.ErrorCode?.StringValue).toBe('429');
    expect(JSON.parse(byId.get(throttled)!.Body!)).toEqual({ tag: 'throttled', log: busyLog });

    expect((await success.byRequestId(blocker, 30_000)).requestContext.condition).toBe('Success');
    await eventually(async () => ((await asyncQueueDepth(DB)) === 0 ? true : undefined));
    lambda.destroy();
  }, 150_000);
});
