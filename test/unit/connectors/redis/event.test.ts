import { describe, expect, it } from 'vitest';
import { buildRedisEvent, entriesOfRead, toRedisRecord, toStreamRecord } from '../../../../connectors/redis/event.js';
import { redisStreamKeyOf, redisStreamsConnector } from '../../../../connectors/redis/index.js';
import { groupStartId } from '../../../../connectors/redis/source.js';

describe('Redis stream record shape (connectors/redis/README.md)', () => {
  it('maps an entry to a Kinesis-like record with string fields and the arrival time from the id', () => {
    const rec = toRedisRecord('orders', '1700000000123-4', ['type', 'created', 'id', '42', 'id', '43'], 'eu-west-1');
    expect(rec).toEqual({
      eventSource: 'sluice:redis',
      eventVersion: '1.0',
      eventSourceARN: 'redis://orders',
      eventID: 'orders:1700000000123-4',
      awsRegion: 'eu-west-1',
      redis: {
        streamKey: 'orders',
        id: '1700000000123-4',
        fields: { type: 'created', id: '43' },
        arrivalTimestamp: 1700000000123,
      },
    });
    const sr = toStreamRecord(rec, 'type');
    expect(sr).toMatchObject({ position: '1700000000123-4', partitionKey: 'created', arrivalMs: 1700000000123 });
    expect(toStreamRecord(rec).partitionKey).toBe('');
    // P-12 counts exact bytes, also for keys and fields that need JSON escaping.
    expect(sr.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(rec)));
    const odd = toRedisRecord('k"\\é:1', '5-0', ['ü"', 'line\nbreak'], 'ap-south-1');
    expect(toStreamRecord(odd).sizeBytes).toBe(Buffer.byteLength(JSON.stringify(odd)));
    expect(JSON.parse(buildRedisEvent([sr]).toString())).toEqual({ Records: [rec] });
  });

  it('parses XREADGROUP replies in RESP2 and RESP3 (ioredis-flattened) form', () => {
    const entries = [['1-0', ['a', '1']]];
    expect(entriesOfRead([['k', entries]])).toEqual(entries);
    expect(entriesOfRead(['k', entries])).toEqual(entries);
    expect(entriesOfRead(null)).toEqual([]);
  });

  it('creates the group at $ for LATEST, 0 for TRIM_HORIZON, just before the time for AT_TIMESTAMP', () => {
    expect(groupStartId({ type: 'LATEST' })).toBe('$');
    expect(groupStartId({ type: 'TRIM_HORIZON' })).toBe('0');
    expect(groupStartId({ type: 'AT_TIMESTAMP', timestampMs: 1000 })).toBe('999-18446744073709551615');
  });

  it('serves redis://<stream-key> and validates the connection', () => {
    expect(redisStreamsConnector.matches('redis://orders:eu')).toBe(true);
    expect(redisStreamsConnector.matches('redis://')).toBe(false);
    expect(redisStreamKeyOf('redis://a:b')).toBe('a:b');
    const problems = (c: unknown) =>
      redisStreamsConnector.connectionSchema?.safeParse(c).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(problems({ url: 'redis://127.0.0.1:6379' })).toBeUndefined();
    expect(problems({ url: 'http://x', blockMs: -1, consumerName: '' })).toEqual([
      ['url', 'must be a redis:// or rediss:// URL'],
      ['consumerName', expect.stringContaining('>=1 characters')],
      ['blockMs', expect.stringContaining('>=0')],
    ]);
  });
});
