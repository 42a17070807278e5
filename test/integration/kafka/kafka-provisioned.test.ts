// Kafka mappings in provisioned mode through the built service (npm run build first) on the real broker:
// LoggingConfig.SystemLogLevel per mapping (MET-9, MET-10) and the per-mapping error metrics (MET-4: failed
// invocations, failed on-failure deliveries) with a function that fails and an on-failure queue that does not exist.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients } from '../../services/inject.js';
import { createTopicWith, produce } from './engine-kit.js';
import { rawKafka } from './helpers.js';
import {
  FAST_TUNING,
  fixtureFunction,
  kafkaConnection,
  outFile,
  readInvocations,
  sqsConnection,
} from './service-kit.js';

let svc: Service | undefined;
afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await closeClients();
});

interface LogLine {
  level: number;
  mapping?: string;
  msg: string;
}

describe('Kafka mappings in provisioned mode (real broker)', () => {
  const quiet = randomUUID();
  const chatty = randomUUID();
  const failing = randomUUID();
  const wide = randomUUID();
  const outs = { quiet: outFile(), chatty: outFile(), failing: outFile(), wide: outFile() };
  let wideTopic = '';

  it('MET-9/MET-10 SystemLogLevel WARN silences that mapping’s INFO logs while another mapping still logs INFO', async () => {
    const [t1, t2, t3, t4] = await Promise.all([
      createTopicWith(1),
      createTopicWith(1),
      createTopicWith(1),
      createTopicWith(2),
    ]);
    wideTopic = t4;
    const mapping = (uuid: string, fn: string, topic: string, extra: object) => ({
      UUID: uuid,
      FunctionName: fn,
      EventSourceArn: `kafka://${topic}`,
      Connection: 'kafka',
      StartingPosition: 'TRIM_HORIZON',
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
      ...extra,
    });
    svc = await startService({
      logLevel: 'info',
      tuning: FAST_TUNING,
      connections: { kafka: kafkaConnection(), sqs: sqsConnection() },
      functions: {
        quiet: fixtureFunction('kafka', outs.quiet),
        chatty: fixtureFunction('kafka', outs.chatty),
        failing: fixtureFunction('kafkaFail', outs.failing),
        wide: fixtureFunction('kafka', outs.wide),
      },
      eventSourceMappings: [
        mapping(quiet, 'quiet', t1, { LoggingConfig: { SystemLogLevel: 'WARN' } }),
        mapping(chatty, 'chatty', t2, { LoggingConfig: { SystemLogLevel: 'INFO' } }),
        // More pollers wanted than the topic has partitions: PRV-3 caps them at 2.
        mapping(wide, 'wide', t4, { ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 5 } }),
        mapping(failing, 'failing', t3, {
          MaximumRetryAttempts: 0,
          // A queue nobody created: every delivery fails, the partition waits (STR-30 decision).
          DestinationConfig: {
            OnFailure: { Destination: `arn:aws:sqs:us-east-1:000000000000:missing-${randomUUID()}` },
          },
        }),
      ],
    });
    await Promise.all([
      produce(t1, [{ value: 'q1' }]),
      produce(t2, [{ value: 'c1' }]),
      produce(t3, [{ value: 'fail-1' }]),
    ]);
    await eventually(
      () =>
        Promise.resolve(
          readInvocations(outs.quiet).length > 0 && readInvocations(outs.chatty).length > 0 ? true : undefined,
        ),
      60_000,
    );
    const lines = svc.logs.flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
    const infoOf = (uuid: string) => lines.filter((l) => l.mapping === uuid && l.level === 30);
    expect(infoOf(chatty).map((l) => l.msg)).toContain('kafka partitions assigned');
    expect(infoOf(quiet)).toEqual([]);
  });

  it('PRV-3/PRV-10/PRV-14 MinimumPollers run as consumers of the mapping’s group, at most one per partition', async () => {
    const service = svc!;
    expect(await metricValue(service.url, 'sluice_provisioned_pollers', { mapping: chatty })).toBe(1);
    expect(await metricValue(service.url, 'sluice_provisioned_pollers', { mapping: wide })).toBe(2);
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([wide]);
      const members = groups[0]?.members ?? [];
      expect(members).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
    await produce(wideTopic, [
      { value: 'w0', partition: 0 },
      { value: 'w1', partition: 1 },
      { value: 'w2', partition: 0 },
      { value: 'w3', partition: 1 },
    ]);
    await eventually(
      () => Promise.resolve(readInvocations(outs.wide).flatMap((i) => i.values).length >= 4 ? true : undefined),
      30_000,
    );
    expect(
      readInvocations(outs.wide)
        .flatMap((i) => i.values)
        .sort(),
    ).toEqual(['w0', 'w1', 'w2', 'w3']);
  });

  it('MET-4 InvokeErrorCount and OnFailureDestinationDeliveryErrorCount per mapping: a failing function, a down destination', async () => {
    const service = svc!;
    const labels = { mapping: failing };
    await eventually(
      async () =>
        (await metricValue(service.url, 'sluice_on_failure_delivery_errors_total', labels)) >= 2 ? true : undefined,
      60_000,
    );
    expect(await metricValue(service.url, 'sluice_invoke_errors_total', labels)).toBeGreaterThanOrEqual(1);
    // Only the failing mapping counts them.
    expect(await metricValue(service.url, 'sluice_invoke_errors_total', { mapping: chatty })).toBe(0);
    expect(await metricValue(service.url, 'sluice_on_failure_delivered_events_total', labels)).toBe(0);
  });
});
