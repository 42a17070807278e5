// Several stream keys per mapping (a list and a SCAN pattern), and one owner per key across processes through the
// engine's shard leases (state.type redis): each key stays in order even when its owner dies and another takes over.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redisStreamsConnector } from '../../../connectors/redis/index.js';
import { systemClock } from '../../../src/app/clock.js';
import { createStreamMapping, type StreamMapping } from '../../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../../src/core/invoke/types.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import type { StartPosition, StreamSource } from '../../../src/ports/sources.js';
import { RedisStateStore } from '../../../src/state/redis.js';
import { redisUrl } from './env.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
});

interface Seen {
  key: string;
  n: number;
  by: string;
}

/** Records every entry's stream key and `n` field, in the order the "function" saw them. */
function recorder(seen: Seen[], by: string, delayMs = 0): Invoker {
  return {
    has: () => true,
    invoke: async (_fn, req) => {
      const event = JSON.parse(Buffer.from(req.payload).toString()) as {
        Records: Array<{ redis: { streamKey: string; fields: { n: string } } }>;
      };
      if (delayMs > 0) await systemClock.sleep(delayMs);
      for (const r of event.Records) seen.push({ key: r.redis.streamKey, n: Number(r.redis.fields.n), by });
      return { kind: 'success', payload: Buffer.from(''), durationMs: 1, coldStart: false };
    },
  };
}

async function mappingOn(
  address: string,
  mappingId: string,
  invoker: Invoker,
  opts: {
    from?: StartPosition;
    state?: RedisStateStore;
    instanceId?: string;
    leaseTtlMs?: number;
  } = {},
): Promise<{ mapping: StreamMapping; source: StreamSource }> {
  const source = redisStreamsConnector.createStreamSource!(
    address,
    { mappingId, startingPosition: opts.from ?? { type: 'TRIM_HORIZON' }, leased: opts.state !== undefined },
    { connection: { url: redisUrl() }, region: 'us-east-1', accountId: '0', logger: quiet, metrics: noopMetrics },
  );
  const mapping = createStreamMapping({
    source,
    invoker,
    leases: opts.state?.leases,
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
    options: {
      mappingId,
      functionName: 'fn',
      functionArn: 'arn:aws:lambda:us-east-1:0:function:fn',
      batchSize: 10,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition: opts.from ?? { type: 'TRIM_HORIZON' },
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 20, maxMs: 200 },
      instanceId: opts.instanceId,
      leaseTtlMs: opts.leaseTtlMs,
      shardDiscoveryIntervalMs: 500,
    },
  });
  await mapping.start();
  return { mapping, source };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(50);
  }
}

/** Each key's entries were handled in order, each exactly once. */
function inOrderOnce(seen: readonly Seen[], keys: readonly string[], perKey: number): void {
  for (const key of keys) {
    const ns = seen.filter((s) => s.key === key).map((s) => s.n);
    expect(ns, key).toEqual(Array.from({ length: perKey }, (_v, i) => i));
  }
}

describe('Redis Streams mapping over several keys (real redis-server)', () => {
  const redis = () => {
    const r = new Redis(redisUrl(), { protocol: 2 });
    stops.push(async () => void (await r.quit()));
    return r;
  };

  it('STR-5 a list of keys: each key is a shard of its own, each read in order', async () => {
    const r = redis();
    const base = `keys-${randomUUID()}`;
    const keys = [`${base}-a`, `${base}-b`, `${base}-c`];
    for (let i = 0; i < 40; i++) for (const k of keys) await r.xadd(k, '*', 'n', String(i));
    const seen: Seen[] = [];
    const { mapping, source } = await mappingOn(`redis://${keys.join(',')}`, `m-${base}`, recorder(seen, 'a'));
    stops.push(async () => {
      await mapping.stop(2000);
      await source.close();
      await r.del(...keys);
    });
    expect((await source.listShards()).map((s) => s.id)).toEqual([...keys].sort());
    await until('all entries', () => seen.length === 120);
    inOrderOnce(seen, keys, 40);
    await until('all acked', async () => {
      for (const k of keys) if (((await r.xpending(k, `sluice-m-${base}`)) as [number])[0] !== 0) return false;
      return true;
    });
  });

  it('a pattern finds stream keys (SCAN TYPE stream); a key created later is read from its start even at LATEST', async () => {
    const r = redis();
    const base = `pat-${randomUUID()}`;
    const first = `${base}:one`;
    await r.xadd(first, '*', 'n', 'old');
    await r.set(`${base}:not-a-stream`, 'x');
    const seen: Seen[] = [];
    const { mapping, source } = await mappingOn(`redis://${base}:*`, `m-${base}`, recorder(seen, 'a'), {
      from: { type: 'LATEST' },
    });
    stops.push(async () => {
      await mapping.stop(2000);
      await source.close();
      await r.del(first, `${base}:later`, `${base}:not-a-stream`);
    });
    expect((await source.listShards()).map((s) => s.id)).toEqual([first]);
    // LATEST on a key that existed at start: only what comes after.
    await until(
      'group on the first key',
      async () => ((await r.xinfo('GROUPS', first).catch(() => [])) as unknown[]).length > 0,
    );
    for (let i = 0; i < 5; i++) await r.xadd(first, '*', 'n', String(i));
    // A key created after the start: everything in it, from its first entry.
    for (let i = 0; i < 5; i++) await r.xadd(`${base}:later`, '*', 'n', String(i));
    await until('both keys', () => seen.length === 10, 30_000);
    inOrderOnce(seen, [first, `${base}:later`], 5);
  });

  it('STR-9 leased keys: one owner at a time keeps each key in order across an owner crash and a takeover', async () => {
    const r = redis();
    const base = `lease-${randomUUID()}`;
    const keys = [`${base}-a`, `${base}-b`];
    // One state connection per "process", so killing one leaves the other's alone.
    const stateA = new RedisStateStore({ url: redisUrl(), keyPrefix: `sluice-test-${base}` });
    const stateB = new RedisStateStore({ url: redisUrl(), keyPrefix: `sluice-test-${base}` });
    stops.push(() => stateB.close());
    const mappingId = `m-${base}`;
    const seen: Seen[] = [];
    const address = `redis://${keys.join(',')}`;
    const a = await mappingOn(address, mappingId, recorder(seen, 'a', 20), {
      state: stateA,
      instanceId: 'a',
      leaseTtlMs: 1500,
    });
    const b = await mappingOn(address, mappingId, recorder(seen, 'b', 20), {
      state: stateB,
      instanceId: 'b',
      leaseTtlMs: 1500,
    });
    stops.push(async () => {
      await b.mapping.stop(2000);
      await b.source.close();
      await r.del(...keys);
    });
    const PER_KEY = 120;
    const writer = (async () => {
      for (let i = 0; i < PER_KEY; i++) {
        for (const k of keys) await r.xadd(k, '*', 'n', String(i));
        await systemClock.sleep(5);
      }
    })();
    await until('a third handled', () => seen.length > 80);
    // "Crash" a: its Redis connections go without acking or releasing anything; b takes its keys after the ttl.
    await Promise.all([a.source.close(), stateA.close()]);
    stops.push(() => a.mapping.stop(1));
    await writer;
    await until('every entry', () => new Set(seen.map((s) => `${s.key}/${s.n}`)).size === PER_KEY * 2, 30_000);
    for (const key of keys) {
      // Each owner saw the key strictly in order; a takeover redelivers what the dead owner held, never skips.
      for (const by of ['a', 'b']) {
        const ns = seen.filter((s) => s.key === key && s.by === by).map((s) => s.n);
        expect(ns, `${key} by ${by}`).toEqual([...ns].sort((x, y) => x - y));
        expect(new Set(ns).size, `${key} by ${by}`).toBe(ns.length);
      }
      const all = new Set(seen.filter((s) => s.key === key).map((s) => s.n));
      expect(all.size, key).toBe(PER_KEY);
    }
    expect(new Set(seen.filter((s) => s.n === PER_KEY - 1).map((s) => s.by))).toEqual(new Set(['b']));
  });
});
