// Scale-out (DESIGN "Scaling out"): two built sluice processes with the same mapping on one standard queue are
// competing consumers. Every message is handled and deleted; a message handled twice is allowed only when SQS
// delivered it again after its visibility timeout (SQS-16), which shows as ApproximateReceiveCount > 1.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { SqsTestBed } from './sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping } from './service-kit.js';

const bed = new SqsTestBed();
const services: Service[] = [];

afterAll(async () => {
  for (const s of services) expect(await s.stop()).toBe(0);
  await bed.close();
});

describe('two sluice processes on one queue', () => {
  it('SQS-16 share the work: 200 messages all handled and deleted, none lost, duplicates only after redelivery', async () => {
    const q = await bed.createQueue('scale-out', { VisibilityTimeout: '30' });
    const out = outFile();
    const mapping = sqsMapping('rec', q.arn);
    const config = {
      connections: sqsConnections(),
      functions: { rec: fixtureFunction('record', out, { Timeout: 5 }) },
      eventSourceMappings: [mapping],
    };
    services.push(...(await Promise.all([startService(config), startService(config)])));
    const bodies = Array.from({ length: 200 }, (_, i) => `so-${i}`);
    await bed.send(q, bodies);

    await eventually(async () => ((await bed.remaining(q)) === 0 ? true : undefined), 60_000);
    const seen = readSeen(out);
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(bodies)); // zero lost

    const byId = new Map<string, typeof seen>();
    for (const s of seen) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
    const duplicates = [...byId.values()].filter((v) => v.length > 1);
    // A second delivery must be a redelivery by SQS (visibility ran out), never the same receive handled twice.
    for (const d of duplicates) expect(new Set(d.map((s) => s.count)).size).toBe(d.length);
    console.log(`scale-out: ${seen.length} deliveries of 200 messages, ${duplicates.length} redelivered`);

    const labels = { mapping: String(mapping.UUID) };
    const deleted = await Promise.all(services.map((s) => metricValue(s.url, 'sluice_deleted_events_total', labels)));
    const invoked = await Promise.all(services.map((s) => metricValue(s.url, 'sluice_invoked_events_total', labels)));
    // Both processes did part of the work, and together each message was deleted once (plus redeliveries).
    expect(invoked.every((n) => n > 0)).toBe(true);
    expect(deleted[0]! + deleted[1]!).toBeGreaterThanOrEqual(200);
    expect(deleted[0]! + deleted[1]!).toBeLessThanOrEqual(200 + duplicates.length);
    expect(invoked[0]! + invoked[1]!).toBe(seen.length);
    const pids = new Set(seen.map((s) => s.pid));
    expect(pids.size).toBeGreaterThanOrEqual(2);
  });
});
