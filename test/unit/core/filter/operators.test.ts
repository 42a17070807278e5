import { describe, expect, it } from 'vitest';
import { matches, sourceOf } from './helpers.js';

describe('exact values (FLT-5, D-6)', () => {
  it('FLT-5 strings match byte for byte, without case folding or normalisation', () => {
    expect(matches({ a: ['Alice'] }, { a: 'Alice' })).toBe(true);
    expect(matches({ a: ['Alice'] }, { a: 'alice' })).toBe(false);
    expect(matches({ a: ['é'] }, { a: 'e\u0301' })).toBe(false);
    expect(matches({ a: ['Alice'] }, { a: 'Alice ' })).toBe(false);
  });

  it('D-6 numbers in value lists compare by numeric value: 3 matches 3.0 and 3e0', () => {
    expect(matches('{"a":[3]}', JSON.parse('{"a":3.0}'))).toBe(true);
    expect(matches('{"a":[3.0]}', { a: 3 })).toBe(true);
    expect(matches('{"a":[300]}', JSON.parse('{"a":3e2}'))).toBe(true);
    expect(matches({ a: [3] }, { a: 3.5 })).toBe(false);
  });

  it('FLT-5 a number never matches a string and a string never matches a number', () => {
    expect(matches({ a: [3] }, { a: '3' })).toBe(false);
    expect(matches({ a: ['3'] }, { a: 3 })).toBe(false);
  });

  it('FLT-5 booleans match only JSON booleans', () => {
    expect(matches({ a: [true] }, { a: true })).toBe(true);
    expect(matches({ a: [true] }, { a: false })).toBe(false);
    expect(matches({ a: [false] }, { a: false })).toBe(true);
    expect(matches({ a: [true] }, { a: 'true' })).toBe(false);
  });

  it('FLT-5 null matches JSON null; a missing field does not match null', () => {
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
    expect(matches({ a: [null] }, { a: '' })).toBe(false);
  });

  it('FLT-5 the empty string matches only the empty string', () => {
    expect(matches({ a: [''] }, { a: '' })).toBe(true);
    expect(matches({ a: [''] }, { a: null })).toBe(false);
    expect(matches({ a: [''] }, {})).toBe(false);
  });

  it('FLT-2 values in one list are ORed, different keys are ANDed', () => {
    const p = { a: ['x', 'y'], b: [1] };
    expect(matches(p, { a: 'y', b: 1 })).toBe(true);
    expect(matches(p, { a: 'z', b: 1 })).toBe(false);
    expect(matches(p, { a: 'x' })).toBe(false);
  });
});

describe('nested and missing fields (FLT-4, FLT-7)', () => {
  it('FLT-4 a nested pattern addresses nested fields', () => {
    expect(matches({ a: { b: { c: ['x'] } } }, { a: { b: { c: 'x' } } })).toBe(true);
    expect(matches({ a: { b: { c: ['x'] } } }, { a: { b: { c: 'y' } } })).toBe(false);
    expect(matches({ a: { b: { c: ['x'] } } }, { a: 'x' })).toBe(false);
    expect(matches({ a: { b: { c: ['x'] } } }, {})).toBe(false);
  });

  it('FLT-7 a rule on a path that leads to an object does not match it as a value', () => {
    expect(matches({ a: ['x'] }, { a: { b: 'x' } })).toBe(false);
  });

  it('FLT-4 fields the pattern does not name are ignored', () => {
    expect(matches({ a: ['x'] }, { a: 'x', b: 1, c: { d: [] } })).toBe(true);
  });

  it('does not read inherited properties such as __proto__ or constructor', () => {
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ toString: [{ exists: false }] }, {})).toBe(true);
  });
});

describe('arrays in records (FLT-6)', () => {
  it('FLT-6 a rule matches when any array element matches', () => {
    expect(matches({ a: ['x'] }, { a: ['w', 'x'] })).toBe(true);
    expect(matches({ a: ['x'] }, { a: ['w', 'v'] })).toBe(false);
    expect(matches({ a: [2] }, { a: [[1], [2, 3]] })).toBe(true);
  });

  it('FLT-6 an empty array has no values', () => {
    expect(matches({ a: ['x'] }, { a: [] })).toBe(false);
    expect(matches({ a: [{ exists: false }] }, { a: [] })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, { a: [] })).toBe(false);
  });

  it('FLT-6 objects inside arrays are matched element by element, not across elements', () => {
    const record = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matches({ employees: { firstName: ['Anna'] } }, record)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, record)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, record)).toBe(false);
  });

  it('FLT-6 consistency holds through nested arrays and deeper objects', () => {
    const record = { a: [[{ b: 1, c: { d: 'x' } }], [{ b: 2, c: { d: 'y' } }]] };
    expect(matches({ a: { b: [2], c: { d: ['y'] } } }, record)).toBe(true);
    expect(matches({ a: { b: [1], c: { d: ['y'] } } }, record)).toBe(false);
  });

  it('FLT-6 exists:false inside an array of objects holds for the element that lacks the field', () => {
    const record = { a: [{ b: 1, c: 1 }, { b: 2 }] };
    expect(matches({ a: { b: [2], c: [{ exists: false }] } }, record)).toBe(true);
    expect(matches({ a: { b: [1], c: [{ exists: false }] } }, record)).toBe(false);
  });
});

describe('prefix, suffix, equals-ignore-case', () => {
  it('prefix matches strings that start with the value, strings only', () => {
    expect(matches({ r: [{ prefix: 'us-' }] }, { r: 'us-east-1' })).toBe(true);
    expect(matches({ r: [{ prefix: 'us-' }] }, { r: 'eu-west-1' })).toBe(false);
    expect(matches({ r: [{ prefix: 'US-' }] }, { r: 'us-east-1' })).toBe(false);
    expect(matches({ n: [{ prefix: '1' }] }, { n: 123 })).toBe(false);
  });

  it('suffix matches strings that end with the value', () => {
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'photo.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'photo.PNG' })).toBe(false);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'photo.jpg' })).toBe(false);
  });

  it('equals-ignore-case compares strings without case', () => {
    expect(matches({ n: [{ 'equals-ignore-case': 'alice' }] }, { n: 'ALICE' })).toBe(true);
    expect(matches({ n: [{ 'equals-ignore-case': 'alice' }] }, { n: 'AliceX' })).toBe(false);
    expect(matches({ n: [{ 'equals-ignore-case': 'ÄRGER' }] }, { n: 'ärger' })).toBe(true);
    expect(matches({ n: [{ 'equals-ignore-case': 'İ' }] }, { n: 'İ' })).toBe(true);
  });

  it('prefix and suffix with equals-ignore-case', () => {
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, { s: 'EventBridge' })).toBe(true);
    expect(matches({ s: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] }, { s: 'EVENTBRIDGE' })).toBe(true);
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'eventb' } }] }, { s: 'Bridge' })).toBe(false);
  });
});

describe('wildcard', () => {
  const w = (pattern: string, value: unknown) => matches({ v: [{ wildcard: pattern }] }, { v: value });

  it('* matches any run of characters, including none', () => {
    expect(w('dir/*.png', 'dir/a.png')).toBe(true);
    expect(w('dir/*.png', 'dir/.png')).toBe(true);
    expect(w('dir/*.png', 'dir/a/b.png')).toBe(true);
    expect(w('dir/*.png', 'dir/a.jpg')).toBe(false);
    expect(w('*', '')).toBe(true);
    expect(w('a*b*c', 'abc')).toBe(true);
    expect(w('a*b*c', 'aXbYc')).toBe(true);
    expect(w('a*b*c', 'acb')).toBe(false);
    expect(w('*ab*ab', 'abab')).toBe(true);
    expect(w('a*a', 'a')).toBe(false);
    expect(w('abc', 'abc')).toBe(true);
  });

  it('\\* is a literal star and \\\\ a literal backslash', () => {
    expect(w('a\\*b', 'a*b')).toBe(true);
    expect(w('a\\*b', 'aXb')).toBe(false);
    expect(w('a\\\\*', 'a\\xyz')).toBe(true);
    expect(w('a\\\\*', 'axyz')).toBe(false);
  });

  it('wildcard matches strings only', () => {
    expect(w('1*', 123)).toBe(false);
  });
});

describe('anything-but', () => {
  it('anything-but a value or a list of values', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: 'y' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: 'x' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'y' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'z' })).toBe(true);
    expect(matches({ n: [{ 'anything-but': 123 }] }, { n: 123 })).toBe(false);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: 200.0 })).toBe(false);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: 300 })).toBe(true);
  });

  it('anything-but matches values of another type, and never a missing field', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: 5 })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
  });

  it('FLT-6 anything-but over an array matches when any element is not excluded', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: ['x', 'y'] })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: ['x', 'x'] })).toBe(false);
  });

  it('anything-but prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'running' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'initializing' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { suffix: '.tmp' } }] }, { s: 'a.txt' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { suffix: '.tmp' } }] }, { s: 'a.tmp' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }] }, { s: 'B' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }] }, { s: 'c' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { wildcard: '*.tmp' } }] }, { s: 'x.tmp' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { wildcard: '*.tmp' } }] }, { s: 'x.txt' })).toBe(true);
  });
});

describe('numeric', () => {
  const n = (spec: unknown[], value: unknown) => matches({ v: [{ numeric: spec }] }, { v: value });

  it('each comparison operator', () => {
    expect(n(['=', 100], 100)).toBe(true);
    expect(n(['=', 100], 100.5)).toBe(false);
    expect(n(['<', 10], 9.99)).toBe(true);
    expect(n(['<', 10], 10)).toBe(false);
    expect(n(['<=', 10], 10)).toBe(true);
    expect(n(['>', 10], 10)).toBe(false);
    expect(n(['>', 10], 10.000001)).toBe(true);
    expect(n(['>=', 10], 10)).toBe(true);
    expect(n(['=', 3.018e2], 301.8)).toBe(true);
  });

  it('ranges with two bounds', () => {
    expect(n(['>', 10, '<=', 20], 10)).toBe(false);
    expect(n(['>', 10, '<=', 20], 20)).toBe(true);
    expect(n(['>=', 10, '<', 20], 10)).toBe(true);
    expect(n(['>=', 10, '<', 20], 20)).toBe(false);
    expect(n(['>', -5, '<', 0], -1)).toBe(true);
  });

  it('numeric matches JSON numbers only, never numeric strings', () => {
    expect(n(['>', 0], '5')).toBe(false);
    expect(n(['>', 0], true)).toBe(false);
    expect(n(['>', 0], [-1, 3])).toBe(true);
  });
});

describe('exists (FLT-7)', () => {
  it('exists:true matches a present leaf, including null, and not a missing field', () => {
    expect(matches({ a: [{ exists: true }] }, { a: 'x' })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, {})).toBe(false);
  });

  it('exists:false matches a missing field', () => {
    expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: 0 })).toBe(false);
    expect(matches({ a: { b: [{ exists: false }] } }, {})).toBe(true);
  });

  it('FLT-7 exists looks only at leaves: a path that leads to an object is not present', () => {
    expect(matches({ a: [{ exists: true }] }, { a: { c1: 100 } })).toBe(false);
    expect(matches({ a: [{ exists: false }] }, { a: { c1: 100 } })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, { a: [{ b: 1 }] })).toBe(false);
  });
});

describe('cidr', () => {
  const c = (range: string, value: unknown) => matches({ ip: [{ cidr: range }] }, { ip: value });

  it('IPv4 ranges', () => {
    expect(c('10.0.0.0/24', '10.0.0.33')).toBe(true);
    expect(c('10.0.0.0/24', '10.0.1.33')).toBe(false);
    expect(c('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(c('192.168.1.7/32', '192.168.1.7')).toBe(true);
    expect(c('192.168.1.7/32', '192.168.1.8')).toBe(false);
    expect(c('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(c('10.0.0.0/20', '10.0.15.255')).toBe(true);
    expect(c('10.0.0.0/20', '10.0.16.0')).toBe(false);
  });

  it('IPv6 ranges, with compressed and embedded-IPv4 forms', () => {
    expect(c('2001:db8::/32', '2001:db8:1234::1')).toBe(true);
    expect(c('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(c('2001:DB8::/32', '2001:db8::ffff:10.0.0.1')).toBe(true);
    expect(c('::ffff:0:0/96', '::ffff:10.0.0.1')).toBe(true);
    expect(c('fe80::/10', 'febf:ffff::1')).toBe(true);
    expect(c('fe80::/10', 'fec0::1')).toBe(false);
    expect(c('::1/128', '0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('does not match other families, non-addresses or non-strings', () => {
    expect(c('10.0.0.0/8', '::ffff:10.0.0.1')).toBe(false);
    expect(c('::/0', '10.0.0.1')).toBe(false);
    expect(c('::ffff:0:0/96', '10.0.0.1')).toBe(false);
    expect(c('fe80::/10', 'fe80::1%eth0')).toBe(false);
    expect(c('10.0.0.0/8', '010.0.0.1')).toBe(false);
    expect(c('10.0.0.0/8', 'hello')).toBe(false);
    expect(c('10.0.0.0/8', '10.0.0.256')).toBe(false);
    expect(c('10.0.0.0/8', 167772161)).toBe(false);
  });
});

describe('$or (FLT-2)', () => {
  it('$or needs one branch to match, alongside the other keys', () => {
    const p = { source: ['a'], $or: [{ x: [1] }, { y: [2] }] };
    expect(matches(p, { source: 'a', y: 2 })).toBe(true);
    expect(matches(p, { source: 'a', x: 1 })).toBe(true);
    expect(matches(p, { source: 'a', x: 2 })).toBe(false);
    expect(matches(p, { source: 'b', x: 1 })).toBe(false);
  });

  it('$or nests, and branches may hold several fields (AND inside OR)', () => {
    const p = {
      $or: [{ m: ['CPU'] }, { t: ['T'], n: ['N'], $or: [{ id: [1] }, { space: [2] }] }],
    };
    expect(matches(p, { t: 'T', n: 'N', space: 2 })).toBe(true);
    expect(matches(p, { t: 'T', n: 'N', space: 3 })).toBe(false);
    expect(matches(p, { t: 'T', space: 2 })).toBe(false);
    expect(matches(p, { m: 'CPU' })).toBe(true);
  });

  it('$or inside a nested object, and two parallel $or groups', () => {
    const p = { $or: [{ a: [1] }, { b: [1] }], detail: { $or: [{ c: [1] }, { d: [1] }] } };
    expect(matches(p, { a: 1, detail: { d: 1 } })).toBe(true);
    expect(matches(p, { a: 1, detail: { e: 1 } })).toBe(false);
  });

  it('"$or" with an object value is an ordinary field name (event-ruler compatibility)', () => {
    expect(matches({ $or: { a: ['x'] } }, { $or: { a: 'x' } })).toBe(true);
  });
});

describe('several filters (FLT-2)', () => {
  it('FLT-2 filters are ORed', async () => {
    const { createRecordFilter } = await import('../../../../src/index.js');
    const f = createRecordFilter(
      { Filters: [{ Pattern: '{"a":["x"]}' }, { Pattern: '{"b":[{"numeric":[">",5]}]}' }] },
      sourceOf('generic'),
    );
    expect(f({ a: 'x' })).toBe(true);
    expect(f({ b: 6 })).toBe(true);
    expect(f({ a: 'y', b: 5 })).toBe(false);
  });

  it('FLT-1 no criteria, an empty object or an empty Filters list match everything', async () => {
    const { createRecordFilter } = await import('../../../../src/index.js');
    for (const c of [undefined, null, {}, { Filters: [] }])
      expect(createRecordFilter(c, sourceOf('sqs'))({ body: 'x' })).toBe(true);
  });
});
