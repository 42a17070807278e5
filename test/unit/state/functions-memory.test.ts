// FN-25: the function store's compare-and-set on RevisionId, which RevisionId preconditions and concurrent
// writers rely on; the version moves with every change so other instances notice.
import { describe, expect, it } from 'vitest';
import type { StoredFunction } from '../../../src/ports/function-store.js';
import { MemoryFunctionStore } from '../../../src/state/functions-memory.js';

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
    CodeSha256: 'sha',
    CodeSize: 1,
    LastModified: '2026-01-01T00:00:00.000+0000',
    RevisionId: revision,
    State: 'Pending',
  },
});

describe('memory function store', () => {
  it('FN-25 writes only over the expected RevisionId (none: only when absent), and bumps the version', async () => {
    const store = new MemoryFunctionStore();
    const v0 = await store.version();
    expect(await store.put(fn('r1'), undefined)).toBe(true);
    expect(await store.put(fn('r1b'), undefined)).toBe(false);
    expect(await store.put(fn('r2'), 'stale')).toBe(false);
    expect(await store.put(fn('r2'), 'r1')).toBe(true);
    expect((await store.get('f'))?.shown.RevisionId).toBe('r2');
    expect(await store.version()).not.toBe(v0);
  });

  it('FN-27 delete removes the function and its packages', async () => {
    const store = new MemoryFunctionStore();
    await store.put(fn('r1'), undefined);
    await store.putCode('f', 'sha', Buffer.from('zip'));
    expect(await store.delete('f')).toBe(true);
    expect(await store.get('f')).toBeUndefined();
    expect(await store.getCode('f', 'sha')).toBeUndefined();
    expect(await store.delete('f')).toBe(false);
  });
});
