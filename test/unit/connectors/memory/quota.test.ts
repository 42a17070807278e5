import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../../../connectors/memory/index.js';

describe('memory sources are bounded (limits.memorySources)', () => {
  it('one cap over every queue and stream; a full broker refuses with MemorySourcesFull; space comes back', async () => {
    const broker = new MemoryBroker({
      region: 'us-east-1',
      accountId: '000000000000',
      visibilityTimeoutMs: 30_000,
      retentionMs: 60_000,
      maxRecords: 3,
      maxBytes: 10_000,
    });
    broker.queue('a').send('1');
    broker.queue('b').send('2');
    broker.stream('s').put('k', Buffer.from('3'));
    expect(() => broker.queue('c').send('4')).toThrow(/memory sources are full/);
    expect(() => broker.stream('t').put('k', Buffer.from('5'))).toThrow(
      expect.objectContaining({ code: 'MemorySourcesFull' }),
    );
    // A deleted queue message frees its place.
    const source = broker.queue('a').source();
    const got = await source.receive(10, 0, new AbortController().signal);
    await source.ack(got);
    expect(() => broker.queue('c').send('4')).not.toThrow();
    expect(broker.quota.records).toBe(3);
  });

  it('the byte limit counts the payloads', () => {
    const broker = new MemoryBroker({ region: 'r', accountId: '000000000000', visibilityTimeoutMs: 1, maxBytes: 1024 });
    broker.stream('s').put('k', Buffer.alloc(1000));
    expect(() => broker.stream('s').put('k', Buffer.alloc(100))).toThrow(/maxBytes 1024/);
    expect(broker.quota.bytes).toBe(1000);
  });
});
