// PRV-2, PRV-9, PRV-14 through the built service on ElasticMQ: a provisioned SQS mapping runs MinimumPollers receive
// loops from the start, adds pollers under a backlog and never runs more than MaximumPollers, shown in
// sluice_provisioned_pollers; every message is handled once and deleted.
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

describe('SQS mapping in provisioned mode', () => {
  it('PRV-9/PRV-14 MinimumPollers 2 shows 2 pollers, scales up under backlog but never past MaximumPollers 4', async () => {
    const q = await bed.createQueue('svc-provisioned', { VisibilityTimeout: '30' });
    const out = outFile();
    const mapping = sqsMapping('slow', q.arn, {
      BatchSize: 1,
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 4 },
    });
    svc = await startService({
      connections: sqsConnections(),
      functions: { slow: fixtureFunction('slow', out, { Timeout: 3 }) },
      eventSourceMappings: [mapping],
    });
    const service = svc;
    const labels = { mapping: String(mapping.UUID) };
    const pollers = () => metricValue(service.url, 'sluice_provisioned_pollers', labels);
    // Idle: the minimum is allocated at once (standard mode would show its own floor, not this gauge).
    await eventually(async () => ((await pollers()) === 2 ? true : undefined), 15_000);

    const bodies = Array.from({ length: 40 }, (_, i) => `prv-${i}`);
    await bed.send(q, bodies);
    const seenPollers: number[] = [];
    const running: number[] = [];
    await eventually(async () => {
      seenPollers.push(await pollers());
      running.push(await metricValue(service.url, 'sluice_concurrent_executions', { function: 'slow' }));
      return (await bed.remaining(q)) === 0 && readSeen(out).length >= bodies.length ? true : undefined;
    }, 60_000);
    expect(Math.max(...seenPollers)).toBe(4); // grew under the backlog...
    expect(Math.max(...running)).toBeLessThanOrEqual(4); // ...and never ran more batches than MaximumPollers
    const seen = readSeen(out);
    expect(seen.map((s) => s.body).sort()).toEqual([...bodies].sort());
    expect(seen.every((s) => s.count === 1)).toBe(true);
    expect(await metricValue(service.url, 'sluice_deleted_events_total', labels)).toBe(40);
  });
});
