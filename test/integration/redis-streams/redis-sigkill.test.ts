// Two sluice processes (the built service, one config that differs only in consumerName) share a Redis stream
// through a consumer group. One is SIGKILLed under steady load; the other claims its pending entries (XAUTOCLAIM
// after claimIdleMs): every entry is handled at least once and the group ends with nothing pending.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { closeClients, redis, servers, uniqueName } from '../../services/inject.js';
import { until } from '../kafka/helpers.js';
import { FAST_TUNING, fixtureFunction, outFile, readInvocations } from '../kafka/service-kit.js';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});
afterAll(closeClients);

const TOTAL = 600;

describe('SIGKILL of one of two sluice processes (Redis Streams, real redis-server)', () => {
  it('STR-14/STR-9 no entry is lost when a consumer is killed under load; duplicates are counted', async () => {
    const key = uniqueName('kill');
    const client = redis();
    const out = outFile();
    const config = (consumerName: string) => ({
      tuning: FAST_TUNING,
      connections: {
        redis: { type: 'redis', url: servers().redis.url, consumerName, claimIdleMs: 2000, claimIntervalMs: 500 },
      },
      functions: { r: fixtureFunction('redisSlow', out) },
      eventSourceMappings: [
        {
          UUID: '6f0c8a52-4a0e-4d6b-9d35-0b2f8e1c7a11',
          FunctionName: 'r',
          EventSourceArn: `redis://${key}`,
          Connection: 'redis',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 20,
        },
      ],
    });
    const a = await startService(config('proc-a'));
    services.push(a);
    const b = await startService(config('proc-b'));
    services.push(b);

    const group = 'sluice-6f0c8a52-4a0e-4d6b-9d35-0b2f8e1c7a11';
    let killedAt = -1;
    const heldByA: string[] = [];
    for (let i = 0; i < TOTAL; i += 10) {
      const pipe = client.pipeline();
      for (let j = 0; j < 10; j++) pipe.xadd(key, '*', 'n', String(i + j));
      await pipe.exec();
      if (i === TOTAL / 2) {
        a.child.kill('SIGKILL');
        killedAt = Date.now();
        if (a.child.exitCode === null && a.child.signalCode === null) await new Promise((r) => a.child.once('exit', r));
        // What the dead consumer held: delivered to it, never acknowledged. B must claim and handle these.
        const held = (await client.xpending(key, group, '-', '+', 1000, 'proc-a')) as Array<[string]>;
        for (const [id] of held) heldByA.push(...(await client.xrange(key, id, id)).map((e) => e[1][1]!));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const seen = () => new Set(readInvocations(out).flatMap((x) => x.values));
    await until(() => Promise.resolve(seen().size === TOTAL ? true : undefined), 60_000);
    await until(async () => (((await client.xpending(key, group)) as [number])[0] === 0 ? true : undefined), 30_000);
    const all = readInvocations(out).flatMap((x) => x.values);
    const duplicates = all.length - new Set(all).size;
    const byA = readInvocations(out).filter((x) => x.pid === a.child.pid).length;
    const afterKill = readInvocations(out).filter((x) => x.pid === b.child.pid && x.at > killedAt).length;
    console.log(
      `redis SIGKILL: ${TOTAL} entries, 0 lost, ${duplicates} handled twice, ${heldByA.length} held by the killed process (it handled ${byA} batches)`,
    );
    const byB = new Set(
      readInvocations(out)
        .filter((x) => x.pid === b.child.pid)
        .flatMap((x) => x.values),
    );
    expect(heldByA.filter((v) => !byB.has(v))).toEqual([]);
    expect(byA).toBeGreaterThan(0);
    expect(afterKill).toBeGreaterThan(0);
    expect(Array.from({ length: TOTAL }, (_, i) => String(i)).filter((v) => !seen().has(v))).toEqual([]);
    await client.del(key);
  }, 120_000);
});
