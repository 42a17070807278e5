// PRV-10 / DA-6 through the built service on the real broker: a provisioned Kafka mapping with MinimumPollers 1 adds
// consumers while its group lags (evaluated every provisionedScaling.evaluateMs) up to the partition count, never past MaximumPollers, and
// every record is handled.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import { createTopicWith, produce } from './engine-kit.js';
import { FAST_TUNING, fixtureFunction, kafkaConnection, outFile, readInvocations } from './service-kit.js';

let svc: Service | undefined;
afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await closeClients();
});

describe('Kafka provisioned scaling (real broker)', () => {
  it('PRV-10/DA-6 pollers grow from MinimumPollers under lag, up to the partitions, never past MaximumPollers', async () => {
    const topic = await createTopicWith(4);
    const uuid = randomUUID();
    const out = outFile();
    svc = await startService({
      tuning: FAST_TUNING,
      // DA-6's rates are the connection's (10 s by default): 2 s here keeps the test short.
      connections: { kafka: { ...kafkaConnection(), provisionedScaling: { evaluateMs: 2000 } } },
      functions: { slow: fixtureFunction('kafkaSlow', out) },
      eventSourceMappings: [
        {
          UUID: uuid,
          FunctionName: 'slow',
          EventSourceArn: `kafka://${topic}`,
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
        },
      ],
    });
    const service = svc;
    const pollers = () => metricValue(service.url, 'sluice_provisioned_pollers', { mapping: uuid });
    await eventually(async () => ((await pollers()) === 1 ? true : undefined), 15_000);
    const values = Array.from({ length: 240 }, (_, i) => `s${i}`);
    await produce(
      topic,
      values.map((value, i) => ({ value, partition: i % 4 })),
    );
    const seen: number[] = [];
    await eventually(async () => {
      seen.push(await pollers());
      const handled = new Set(readInvocations(out).flatMap((i) => i.values));
      return handled.size === values.length ? true : undefined;
    }, 90_000);
    expect(Math.max(...seen)).toBe(3);
    expect(new Set(readInvocations(out).flatMap((i) => i.values))).toEqual(new Set(values));
  });
});
