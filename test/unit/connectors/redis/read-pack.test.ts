// read-pack.ts writes each entry's JSON by hand, from strings or (byte-fields.ts) from ioredis' Buffers: it must be
// byte for byte JSON.stringify of the record object made from the strings ioredis would give.
import { describe, expect, it } from 'vitest';
import { entriesOfBufferRead, redisRecordShape, toRedisRecord } from '../../../../connectors/redis/event.js';
import { packEntries, type Entry } from '../../../../connectors/redis/read-pack.js';

const cases: Array<[string, string[]]> = [
  ['1700000000000-0', ['body', 'plain']],
  ['1700000000000-17', ['n', '1', 'body', 'two fields']],
  ['1700000000001-0', ['k', 'first', 'other', 'x', 'k', 'last wins, first place']],
  ['1700000000002-0', ['__proto__', 'not a prototype']],
  ['1700000000002-1', ['a', '1', '__proto__', 'x']],
  ['1700000000003-0', ['text', 'quote " backslash \\ newline \n tab \t nul \u0000 é 名前 😀']],
  ['1700000000003-1', ['del', 'a\u007fb', 'tilde', '~ and space']],
  ['1700000000004-0', ['名', 'unicode field name']],
  // Names an object puts first (array indexes): the JSON order is the object's, not the stream's.
  ['1700000000005-0', ['b', 'x', '1', 'y', '01', 'z', '4294967294', 'w']],
  ['1700000000006-0', ['long', 'v'.repeat(1024), 'longer', 'w'.repeat(1025)]],
  ['1700000000007-0', ['', '', 'k', 'lane key']],
  ['0-1', ['empty', '']],
  ['5-0', []],
];

const asStrings: Entry[] = cases;
const asBuffers: Entry[] = cases.map(([id, flat]) => [id, flat.map((s) => Buffer.from(s))]);
const want = (key: string, region: string): string[] =>
  cases.map(([id, flat]) => JSON.stringify(toRedisRecord(key, id, flat, region)));

describe('Redis read packing (connectors/redis/README.md record shape)', () => {
  for (const [how, entries] of [
    ['strings', asStrings],
    ['Buffers (callBuffer)', asBuffers],
  ] as const) {
    it(`each packed entry read as ${how} is the JSON of its record object, comma-separated in one slab`, () => {
      for (const [key, region] of [
        ['orders', 'us-east-1'],
        ['clé "quoted"', 'eu-west-1'],
      ] as const) {
        const records = packEntries(redisRecordShape(key, region), entries, 'k');
        const json = want(key, region);
        expect(records.map((r) => r.json)).toEqual(json);
        expect(records.map((r) => r.sizeBytes)).toEqual(json.map((w) => Buffer.byteLength(w)));
        expect(records.map((r) => [r.position, r.arrivalMs])).toEqual(
          cases.map(([id]) => [id, Number(id.split('-')[0])]),
        );
        // The lane key is the field's last value (D-2), '' without it.
        expect(records.map((r) => r.partitionKey)).toEqual(
          cases.map(([, flat]) => (flat.lastIndexOf('k') % 2 === 0 ? flat[flat.lastIndexOf('k') + 1] : '')),
        );
      }
    });
  }

  it('bytes that are not UTF-8 become what ioredis would decode them to', () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    const [r] = packEntries(redisRecordShape('s', 'us-east-1'), [['1-0', [Buffer.from('f'), bytes]]]);
    expect(r!.json).toBe(JSON.stringify(toRedisRecord('s', '1-0', ['f', bytes.toString()], 'us-east-1')));
  });

  it('a callBuffer reply (RESP2 and RESP3 shapes) gives string ids and Buffer fields', () => {
    const entries = [
      [Buffer.from('1-0'), [Buffer.from('f'), Buffer.from('v')]],
      [Buffer.from('1-1'), null],
    ];
    for (const reply of [[[Buffer.from('s'), entries]], [Buffer.from('s'), entries]]) {
      expect(entriesOfBufferRead(reply)).toEqual([
        ['1-0', [Buffer.from('f'), Buffer.from('v')]],
        ['1-1', null],
      ]);
    }
    expect(entriesOfBufferRead(null)).toEqual([]);
  });

  it('an empty read packs to no records', () => {
    expect(packEntries(redisRecordShape('s', 'us-east-1'), [])).toEqual([]);
  });
});
