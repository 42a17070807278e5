// Differences from event-ruler (AWS's reference engine) found by comparing the two: dotted keys and the order of
// the bounds of a numeric range.
import { describe, expect, it } from 'vitest';
import { validateFilterCriteria } from '../../../../src/index.js';
import { b64, errorsOf, matches } from './helpers.js';

describe('FLT-4 a key with dots is the nested path, in the pattern and in the event', () => {
  it('FLT-4 pattern {"a.b": …} matches like {"a": {"b": …}}', () => {
    expect(matches({ 'a.b': ['x'] }, { a: { b: 'x' } })).toBe(true);
    expect(matches({ 'a.b': ['x'] }, { a: { b: 'y' } })).toBe(false);
    expect(matches({ 'a.b.c': [{ numeric: ['>', 1] }] }, { a: { b: { c: 2 } } })).toBe(true);
    expect(matches({ 'a.b': [{ exists: false }] }, { a: { c: 1 } })).toBe(true);
    expect(matches({ a: { c: [1] }, 'a.b': ['x'] }, { a: { b: 'x', c: 1 } })).toBe(true);
    expect(matches({ a: { c: [1] }, 'a.b': ['x'] }, { a: { b: 'x', c: 2 } })).toBe(false);
  });

  it('FLT-4 event {"a.b": …} is matched like {"a": {"b": …}}', () => {
    expect(matches({ a: { b: ['x'] } }, { 'a.b': 'x' })).toBe(true);
    expect(matches({ a: { b: ['x'] } }, { 'a.b': 'y' })).toBe(false);
    expect(matches({ a: { b: { c: ['x'] } } }, { 'a.b.c': 'x' })).toBe(true);
    expect(matches({ a: { b: { c: ['x'] } } }, { a: { 'b.c': 'x' } })).toBe(true);
    expect(matches({ a: { b: [{ exists: true }] } }, { 'a.b': 1 })).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, { 'a.b': 1 })).toBe(false);
  });

  it('FLT-4 dotted keys on both sides meet', () => {
    expect(matches({ 'a.b': ['x'] }, { 'a.b': 'x' })).toBe(true);
    expect(matches({ 'a.b.c': ['x'] }, { 'a.b': { c: 'x' } })).toBe(true);
  });

  it('FLT-8/FLT-9 a dotted key reaches into the decoded data field', () => {
    const sqs = { messageId: 'm', body: '{"order":{"state":"paid"}}' };
    expect(matches({ 'body.order.state': ['paid'] }, sqs, 'sqs')).toBe(true);
    expect(matches({ 'body.order.state': ['open'] }, sqs, 'sqs')).toBe(false);
    const kinesis = { kinesis: { partitionKey: 'p', data: b64('{"t":{"v":31}}') } };
    expect(matches({ 'data.t.v': [{ numeric: ['>', 30] }] }, kinesis, 'kinesis')).toBe(true);
  });

  it('FLT-12 a dotted key with an error is reported on its nested path', () => {
    expect(errorsOf({ 'a.b': [] })[0]?.path).toBe('FilterCriteria.Filters[0].Pattern.a.b');
  });
});

describe('FLT-12 a numeric range gives its lower bound first', () => {
  it('FLT-12 ["<", 10, ">", 0] is an invalid pattern, with the index of its filter', () => {
    const issues = validateFilterCriteria({
      Filters: [
        { Pattern: '{"a":[{"numeric":[">",0,"<",10]}]}' },
        { Pattern: '{"a":[{"numeric":["<",10,">",0]}]}' },
        { Pattern: '{"a":[{"numeric":["<=",10,">=",0]}]}' },
      ],
    });
    expect(issues.filter((i) => i.severity === 'error').map((i) => i.path)).toEqual([
      'FilterCriteria.Filters[1].Pattern.a[0].numeric[2]',
      'FilterCriteria.Filters[2].Pattern.a[0].numeric[2]',
    ]);
    expect(issues[0]?.message).toMatch(/lower bound/);
  });

  it('FLT-12 a single upper bound and a lower-then-upper range stay valid', () => {
    expect(errorsOf({ a: [{ numeric: ['<', 10] }] })).toEqual([]);
    expect(errorsOf({ a: [{ numeric: ['>=', 0, '<=', 10] }] })).toEqual([]);
    expect(matches({ a: [{ numeric: ['>=', 0, '<=', 10] }] }, { a: 10 })).toBe(true);
  });
});
