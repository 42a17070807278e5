// FN-25 on Redis: the function store's compare-and-set on RevisionId runs as one script, the version counter
// moves with every change (instances poll it), and zips come back byte for byte.
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredFunction } from '../../../src/ports/function-store.js';
import { RedisFunctionStore } from '../../../src/state/functions-redis.js';
import { closeClients, redis, servers, uniqueName } from '../../services/inject.js';

const prefix = uniqueName('fnstore');
const stores: RedisFunctionStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  const admin = redis();
  const keys = [...(await admin.keys(`${prefix}:*`)), ...(await admin.keys(`{${prefix}:*`))];
  if (keys.length > 0) await admin.del(...keys);
  await closeClients();
});

const open = () => {
  const s = new RedisFunctionStore(servers().redis.url, prefix);
  stores.push(s);
  return s;
};

const fn = (revision: string): StoredFunction => ({
  shown: {
    FunctionName: 'f',
    Runtime: 'nodejs22.x',
    Role: 'arn:aws:iam::000000000000:role/r',
    Handler: 'index.handler',
    Description: '',
    Timeout: 3,
    MemorySize: 128,
    TracingConfig: { Mode: 'PassThrough' },
    LoggingConfig: { LogFormat: 'Text' },
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    CodeSha256: 'c2hh',
    CodeSize: 1,
    LastModified: '2026-01-01T00:00:00.000+0000',
    RevisionId: revision,
    State: 'Pending',
  },
});

describe('Redis function store', () => {
  it('FN-25 writes only over the expected RevisionId, seen by another connection, with the version moving', async () => {
    const a = open();
    const b = open();
    const v0 = await b.version();
    expect(await a.put(fn('r1'), undefined)).toBe(true);
    expect(await b.put(fn('r1b'), undefined)).toBe(false);
    expect(await b.put(fn('r2'), 'stale')).toBe(false);
    expect(await b.put(fn('r2'), 'r1')).toBe(true);
    expect((await a.get('f'))?.shown.RevisionId).toBe('r2');
    expect((await a.list()).map((f) => f.shown.RevisionId)).toEqual(['r2']);
    expect(await a.version()).not.toBe(v0);
  });

  it('FN-10 FN-27 packages round-trip byte for byte and go with the function', async () => {
    const a = open();
    const zip = Buffer.from([0, 255, 1, 254, 80, 75, 3, 4]);
    const before = await a.codeBytes();
    await a.putCode('f', 'c2hh', zip);
    await a.putCode('f', 'c2hh', zip); // replacing a package counts it once
    expect(await a.getCode('f', 'c2hh')).toEqual(zip);
    expect(await a.codeBytes()).toBe(before + zip.length);
    expect(await a.delete('f')).toBe(true);
    expect(await a.getCode('f', 'c2hh')).toBeUndefined();
    expect(await a.codeBytes()).toBe(before);
    expect(await a.delete('f')).toBe(false);
  });
});
