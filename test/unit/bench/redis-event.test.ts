// The Redis raw loop builds the same Lambda event as sluice: same bytes as the connector's event for the same
// entries, so the "same output" raw row compares like with like.
import { describe, expect, it } from 'vitest';
import { redisEvents, redisRecordShape } from '../../../connectors/redis/event.js';
import { redisStreamRecord } from '../../../connectors/redis/read-pack.js';
import { redisEventBytes, type RawEntry } from '../../../bench/scenarios/redis-event.js';

function sluiceBytes(key: string, entries: RawEntry[]): string {
  const records = entries.map(([id, flat]) => redisStreamRecord(redisRecordShape(key, 'us-east-1'), id, flat));
  return redisEvents(`redis://${key}`).event({ id: key, parentIds: [] }, records).toString('utf8');
}

describe('bench Redis raw loop event (same output as sluice)', () => {
  it('the benchmark entries: n and a 100 B body', () => {
    const entries: RawEntry[] = Array.from({ length: 100 }, (_, i) => [
      `1700000000000-${i}`,
      ['n', String(i), 'body', 'x'.repeat(100)],
    ]);
    expect(redisEventBytes('bench-k', 'us-east-1', entries).toString('utf8')).toBe(sluiceBytes('bench-k', entries));
  });

  it('escaped key, unicode, one field, repeated field (last wins)', () => {
    const entries: RawEntry[] = [
      ['1-0', ['at', '"quoted"\n']],
      ['2-1', ['a', 'ü€', 'a', 'second', 'b', '']],
    ];
    expect(redisEventBytes('k"ü\\', 'us-east-1', entries).toString('utf8')).toBe(sluiceBytes('k"ü\\', entries));
  });
});
