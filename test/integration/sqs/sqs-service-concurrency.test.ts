// D-10 / SQS-5 through the built service: a function's reserved concurrency below what the mapping would drive
// (5 batches at start) caps the mapping's concurrency, so no batch is polled only to be throttled, and every
// message is handled once and deleted. (Throttled batches, SQS-14, are retried inside sluice: unit tests of the
// queue poller.)
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { SqsTestBed } from './sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping } from './service-kit.js';

const bed = new SqsTestBed();
let svc: Service | undefined;

afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await bed.close();
});

describe('SQS mapping over a function with little reserved concurrency', () => {
  it('D-10 reserved concurrency 2 caps the mapping at 2 batches: no throttles, nothing lost or handled twice', async () => {
    const q = await bed.createQueue('svc-account', { VisibilityTimeout: '30' });
    const out = outFile();
    const mapping = sqsMapping('slow', q.arn, { BatchSize: 1 });
    svc = await startService({
      connections: sqsConnections(),
      functions: { slow: fixtureFunction('slow', out, { Timeout: 3, ReservedConcurrentExecutions: 2 }) },
      eventSourceMappings: [mapping],
    });
    const service = svc;
    const bodies = Array.from({ length: 12 }, (_, i) => `acct-${i}`);
    await bed.send(q, bodies);
    const running: number[] = [];
    await eventually(async () => {
      running.push(await metricValue(service.url, 'sluice_concurrent_executions', { function: 'slow' }));
      return (await bed.remaining(q)) === 0 ? true : undefined;
    }, 60_000);
    const seen = readSeen(out);
    expect(seen.map((s) => s.body).sort()).toEqual([...bodies].sort());
    expect(seen.every((s) => s.count === 1)).toBe(true); // retried inside sluice, never via the queue
    expect(Math.max(...running)).toBeLessThanOrEqual(2);
    // Before D-10 the mapping started 5 batches over a reservation of 2 and was throttled.
    expect(await metricValue(service.url, 'sluice_throttles_total', { function: 'slow' })).toBe(0);
    expect(
      await metricValue(service.url, 'sluice_mapping_concurrency', { mapping: String(mapping.UUID) }),
    ).toBeLessThanOrEqual(2);
    expect(await metricValue(service.url, 'sluice_deleted_events_total', { mapping: String(mapping.UUID) })).toBe(12);
  });
});
