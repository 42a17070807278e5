// read-pack.ts writes each entry's JSON by hand: it must be byte for byte JSON.stringify of the record object.
import { describe, expect, it } from 'vitest';
import { redisRecordShape, toRedisRecord } from '../../../../connectors/redis/event.js';
import { packEntries, type Entry } from '../../../../connectors/redis/read-pack.js';

const entries: Entry[] = [
  ['1700000000000-0', ['body', 'plain']],
  ['1700000000000-17', ['n', '1', 'body', 'two fields']],
  ['1700000000001-0', ['k', 'first', 'other', 'x', 'k', 'last wins, first place']],
  ['1700000000002-0', ['__proto__', 'not a prototype']],
  ['1700000000003-0', ['text', 'quote " backslash \\ newline \n tab \t nul \u0000 é 名前 😀']],
  ['1700000000004-0', ['名', 'unicode field name']],
  ['0-1', ['empty', '']],
  ['5-0', []],
];

describe('Redis read packing (connectors/redis/README.md record shape)', () => {
  it('each packed entry is the JSON of its record object, comma-separated in one slab', () => {
    for (const [key, region] of [
      ['orders', 'us-east-1'],
      ['clé "quoted"', 'eu-west-1'],
    ] as const) {
      const records = packEntries(redisRecordShape(key, region), entries, 'k');
      const want = entries.map(([id, flat]) => JSON.stringify(toRedisRecord(key, id, [...flat], region)));
      expect(records.map((r) => r.json)).toEqual(want);
      expect(records.map((r) => r.sizeBytes)).toEqual(want.map((w) => Buffer.byteLength(w)));
      expect(records.map((r) => [r.position, r.arrivalMs])).toEqual(
        entries.map(([id]) => [id, Number(id.split('-')[0])]),
      );
      // The lane key is the field's last value (D-2), '' without it.
      expect(records.map((r) => r.partitionKey)).toEqual(['', '', 'last wins, first place', '', '', '', '', '']);
    }
  });

  it('an empty read packs to no records', () => {
    expect(packEntries(redisRecordShape('s', 'us-east-1'), [])).toEqual([]);
  });
});
