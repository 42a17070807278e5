// fetch-pack.ts writes each record's JSON by hand: it must be byte for byte JSON.stringify of the record object.
import { describe, expect, it } from 'vitest';
import { toKafkaRecord, type KafkaMessageLike } from '../../../../connectors/kafka/event.js';
import { packFetch } from '../../../../connectors/kafka/fetch-pack.js';

const bytes = (n: number, seed: number): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255));

function messages(): KafkaMessageLike[] {
  const out: KafkaMessageLike[] = [];
  // Every base64 padding case, both through the loop and past the native threshold (128 bytes).
  for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 126, 127, 128, 129, 1024, 100_000]) {
    out.push({ key: bytes(n % 11, n), value: bytes(n, n + 1), offset: String(out.length), timestamp: '1545084650987' });
  }
  out.push({ key: null, value: null, offset: '20', timestamp: '0', batchContext: { timestampType: 1 } });
  out.push({ key: Buffer.alloc(0), value: Buffer.from('é'), offset: '21', timestamp: '-1' });
  out.push({
    key: null,
    value: Buffer.from('v'),
    offset: '22',
    timestamp: '7',
    headers: { 'naïve-名前': Buffer.from([0, 255]), multi: ['x', null], gone: undefined },
  });
  return out;
}

describe('Kafka fetch packing (§4.1)', () => {
  it('KAF-2/KAF-3/D-7 each packed record is the JSON of its record object, comma-separated in one slab', () => {
    const ms = messages();
    for (const topic of ['orders.v1_x-2', 'tópico']) {
      const p = packFetch(topic, 3, ms);
      const want = ms.map((m) => JSON.stringify(toKafkaRecord(topic, 3, m)));
      expect(p.slab.toString('utf8')).toBe(want.join(','));
      ms.forEach((m, i) => {
        const start = i === 0 ? 0 : p.ends[i - 1]! + 1;
        expect(p.slab.toString('utf8', start, p.ends[i])).toBe(want[i]);
        expect([p.offsets[i], p.timestamps[i]]).toEqual([Number(m.offset), Number(m.timestamp)]);
        const key = p.keyAt[i]! < 0 ? null : p.slab.toString('latin1', p.keyAt[i], p.keyAt[i]! + p.keyLength[i]!);
        expect(key).toBe(m.key === null ? null : m.key.toString('base64'));
      });
    }
  });

  it("KAF-2 an offset past 2^53 keeps kafkajs' exact digits (a JSON number need not fit a double)", () => {
    const m = { key: null, value: null, offset: '9007199254740993', timestamp: '1' };
    expect(packFetch('t', 0, [m]).slab.toString()).toContain('"offset":9007199254740993,');
  });

  it('KAF-2 offsets and timestamps kafkajs would not write are packed as the JSON of their number', () => {
    // One such text sends the whole fetch down the slow path; the records before and after it are unchanged.
    const texts = ['007', '-0', '1.5', 'x', '', '-12', '0'];
    const ms: KafkaMessageLike[] = texts.map((t, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from('v'),
      offset: i === 0 ? '1' : t,
      timestamp: t,
    }));
    const p = packFetch('t', 1, ms);
    expect(p.slab.toString('utf8')).toBe(ms.map((m) => JSON.stringify(toKafkaRecord('t', 1, m))).join(','));
    expect([...p.timestamps]).toEqual(texts.map(Number));
  });

  it('KAF-2 an empty fetch packs to nothing', () => {
    expect(packFetch('t', 0, []).slab.length).toBe(0);
  });
});
