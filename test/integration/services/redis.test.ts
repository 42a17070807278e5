import { afterAll, describe, expect, it } from 'vitest';
import { closeClients, redis, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

describe('Redis test server', () => {
  it('XADD / XREADGROUP / XACK through a consumer group', async () => {
    const r = redis();
    const stream = uniqueName('smoke');
    await r.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    const id1 = await r.xadd(stream, '*', 'n', '1');
    const id2 = await r.xadd(stream, '*', 'n', '2');

    const read = (await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', stream, '>')) as
      [string, [string, string[]][]][] | null;
    const entries = read?.[0]?.[1] ?? [];
    expect(entries.map(([id, fields]) => [id, fields])).toEqual([
      [id1, ['n', '1']],
      [id2, ['n', '2']],
    ]);

    expect(await r.xack(stream, 'g', id1!, id2!)).toBe(2);
    const pending = (await r.xpending(stream, 'g')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });
});
