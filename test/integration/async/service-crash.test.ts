// Durability of the Redis-backed async queue through the built service: a SIGKILLed process loses no event, and two
// processes share one queue. Driven only through @aws-sdk/client-lambda; results read from real SQS queues.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import {
  asyncQueueDepth,
  attemptLog,
  attempts,
  createQueue,
  deleteQueues,
  fn,
  Inbox,
  json,
  lambdaClient,
  resetAsyncQueue,
  serviceConfig,
  type InvocationRecord,
  type TestQueue,
} from './service-kit.js';

const DB = 13;
const queues: TestQueue[] = [];
const running: Service[] = [];

beforeAll(async () => {
  await resetAsyncQueue(DB);
});

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await deleteQueues(queues);
  await closeClients();
});

async function queuesFor(prefix: string): Promise<{ success: Inbox; failure: Inbox }> {
  const [s, f] = await Promise.all([createQueue(`${prefix}-ok`), createQueue(`${prefix}-fail`)]);
  queues.push(s, f);
  return { success: new Inbox(s), failure: new Inbox(f) };
}

async function start(config: object): Promise<Service> {
  const svc = await startService(config);
  running.push(svc);
  return svc;
}

/** Sends Event invocations to the given services in turn; returns the request ids the API answered with. */
async function sendAll(services: Service[], events: object[]): Promise<string[]> {
  const clients = services.map((s) => lambdaClient(s.url));
  try {
    return await Promise.all(
      events.map(async (event, i) => {
        const out = await clients[i % clients.length]!.send(
          new InvokeCommand({ FunctionName: 'work', InvocationType: 'Event', Payload: json(event) }),
        );
        expect(out.StatusCode).toBe(202);
        return out.$metadata.requestId!;
      }),
    );
  } finally {
    for (const c of clients) c.destroy();
  }
}

/** How many records each request id reached, over both destinations. */
function tally(ids: string[], records: InvocationRecord[]): { lost: string[]; duplicates: number } {
  const count = new Map(ids.map((id) => [id, 0]));
  for (const r of records) {
    const id = r.requestContext.requestId;
    if (count.has(id)) count.set(id, count.get(id)! + 1);
  }
  const lost = ids.filter((id) => count.get(id) === 0);
  const duplicates = [...count.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  return { lost, duplicates };
}

describe('async durability with Redis state (built service)', () => {
  it('a service with Redis state exits 0 on SIGTERM (regression: its queue connection kept the process alive)', async () => {
    const svc = await start(serviceConfig(DB, { work: fn() }));
    const stopped = svc.stop();
    const timeout = new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000));
    expect(await Promise.race([stopped, timeout])).toBe(0);
  });

  it('a SIGKILL mid-run loses no event: after a restart every event reaches OnSuccess or OnFailure', async () => {
    const N = 50;
    const { success, failure } = await queuesFor('crash');
    const config = serviceConfig(
      DB,
      {
        work: fn({
          EventInvokeConfig: {
            DestinationConfig: {
              OnSuccess: { Destination: success.queue.arn },
              OnFailure: { Destination: failure.queue.arn },
            },
          },
        }),
      },
      // A short claim lifetime, so the restarted process takes over the killed one's claims quickly.
      { tuning: { asyncClaimTtlSeconds: 2 } },
    );
    const log = attemptLog();
    const first = await start(config);
    // Durations spread over 0.3–1.65 s: when the first record arrives, many attempts are still running.
    const events = Array.from({ length: N }, (_, i) => ({ tag: `e${i}`, ms: 300 + (i % 10) * 150, log }));
    const ids = await sendAll([first], events);
    await success.waitFor((rs) => (rs.length > 0 ? true : undefined));
    first.child.kill('SIGKILL');
    await new Promise((r) =>
      first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r),
    );
    expect(first.child.signalCode).toBe('SIGKILL');
    await success.poll();
    const doneBeforeKill = tally(ids, [...success.records(), ...failure.records()]);
    expect(doneBeforeKill.lost.length).toBeGreaterThan(0); // the kill really happened mid-run
    const firstPid = first.child.pid;

    const second = await start(config);
    const all = () => [...success.records(), ...failure.records()];
    const deadline = Date.now() + 45_000;
    while (tally(ids, all()).lost.length > 0 && Date.now() < deadline)
      await Promise.all([success.poll(), failure.poll()]);
    await Promise.all([success.settle(1_500), failure.settle(1_500)]);
    const { lost, duplicates } = tally(ids, all());
    console.log(
      `crash test: ${N} events, ${N - doneBeforeKill.lost.length} done before SIGKILL, ` +
        `${duplicates} duplicate record(s) after restart, ${lost.length} lost`,
    );
    expect(lost).toEqual([]);
    expect(failure.records()).toEqual([]); // every event could succeed: none was failed by the crash
    // The restarted process ran what the killed one had claimed or not yet started.
    const pids = new Set(attempts(log).map((a) => a.pid));
    expect(pids.has(firstPid!)).toBe(true);
    expect(pids.has(second.child.pid!)).toBe(true);
    expect(await asyncQueueDepth(DB)).toBe(0);
    expect(await second.stop()).toBe(0);
  }, 120_000);

  it('two processes share one queue: each event runs once, and both processes run some', async () => {
    const N = 100;
    const { success, failure } = await queuesFor('pair');
    const config = serviceConfig(DB, {
      work: fn({
        EventInvokeConfig: {
          DestinationConfig: {
            OnSuccess: { Destination: success.queue.arn },
            OnFailure: { Destination: failure.queue.arn },
          },
        },
      }),
    });
    const [p, q] = await Promise.all([start(config), start(config)]);
    const ids = await sendAll(
      [p, q],
      Array.from({ length: N }, (_, i) => ({ tag: `p${i}`, ms: 300 })),
    );
    await success.waitFor((rs) => (tally(ids, rs).lost.length === 0 ? true : undefined), 60_000);
    await success.settle(1_500);
    await failure.poll();
    const records = [...success.records(), ...failure.records()];
    expect(tally(ids, records)).toEqual({ lost: [], duplicates: 0 });
    expect(failure.records()).toEqual([]);
    const pids = new Set(success.records().map((r) => (r.responsePayload as { pid: number }).pid));
    expect(pids).toEqual(new Set([p.child.pid, q.child.pid]));
    expect(await asyncQueueDepth(DB)).toBe(0);
    const codes = await Promise.all([p.stop(), q.stop()]);
    expect(codes).toEqual([0, 0]);
  }, 120_000);
});
