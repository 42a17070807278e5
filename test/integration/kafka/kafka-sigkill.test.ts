// Two sluice processes (the built service, same config) share a Kafka topic through the consumer group. One is
// SIGKILLed under steady load; the other takes its partitions over: every record is handled at least once.
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { createTopicWith, produce } from './engine-kit.js';
import { until } from './helpers.js';
import { FAST_TUNING, fixtureFunction, kafkaConnection, outFile, readInvocations } from './service-kit.js';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

const TOTAL = 600;

describe('SIGKILL of one of two sluice processes (Kafka, real broker)', () => {
  it('KAF-7/KAF-5 no record is lost when a group member is killed under load; duplicates are counted', async () => {
    const topic = await createTopicWith(4);
    const out = outFile();
    const config = {
      tuning: FAST_TUNING,
      // A short session timeout so the group notices the dead member in seconds, not the default 30 s.
      connections: { kafka: kafkaConnection({ sessionTimeoutMs: 6000 }) },
      functions: { k: fixtureFunction('kafka', out) },
      eventSourceMappings: [
        {
          FunctionName: 'k',
          EventSourceArn: `kafka://${topic}`,
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 20,
          MaximumBatchingWindowInSeconds: 0,
        },
      ],
    };
    const a = await startService(config);
    services.push(a);
    const b = await startService(config);
    services.push(b);
    // Both members own partitions before the load starts.
    await b.waitForLog(/^(?=.*kafka partitions assigned)(?=.*"partitions":\[\d)/, 30_000);

    let killedAt = -1;
    for (let i = 0; i < TOTAL; i += 10) {
      await produce(
        topic,
        Array.from({ length: 10 }, (_, j) => ({ key: `k${(i + j) % 16}`, value: String(i + j) })),
      );
      if (i === TOTAL / 2) {
        a.child.kill('SIGKILL');
        killedAt = Date.now();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const seen = () => new Set(readInvocations(out).flatMap((x) => x.values));
    await until(() => Promise.resolve(seen().size === TOTAL ? true : undefined), 60_000);
    const all = readInvocations(out).flatMap((x) => x.values);
    const duplicates = all.length - new Set(all).size;
    const byA = readInvocations(out).filter((x) => x.pid === a.child.pid).length;
    const afterKill = readInvocations(out).filter((x) => x.pid === b.child.pid && x.at > killedAt).length;
    console.log(
      `kafka SIGKILL: ${TOTAL} records, 0 lost, ${duplicates} handled twice (process A handled ${byA} batches)`,
    );
    expect(byA).toBeGreaterThan(0);
    expect(afterKill).toBeGreaterThan(0);
    expect(Array.from({ length: TOTAL }, (_, i) => String(i)).filter((v) => !seen().has(v))).toEqual([]);
  }, 120_000);
});
