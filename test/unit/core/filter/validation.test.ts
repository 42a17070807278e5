import { describe, expect, it } from 'vitest';
import {
  createRecordFilter,
  InvalidFilterPatternError,
  LambdaApiErrorCheck,
  validateFilterCriteria,
} from './validation-imports.js';
import { anyString, errorsOf, like, sourceOf, warningsOf } from './helpers.js';

const P = 'FilterCriteria.Filters[0].Pattern';

/** The first error's path and message for one pattern. */
function firstError(pattern: unknown): { path: string; message: string } {
  const [e] = errorsOf(pattern);
  if (!e) throw new Error(`expected an error for ${JSON.stringify(pattern)}`);
  return { path: e.path, message: e.message };
}

describe('FLT-12 pattern errors, each with its path', () => {
  it('FLT-12 bad JSON', () => {
    expect(firstError('{"a": [1,}')).toEqual({ path: P, message: like(/not valid JSON/) });
    expect(firstError('')).toMatchObject({ path: P });
  });

  it('FLT-12 a pattern must be a non-empty JSON object', () => {
    expect(firstError('[]').message).toMatch(/JSON object/);
    expect(firstError('"x"').message).toMatch(/JSON object/);
    expect(firstError({}).message).toMatch(/at least one field/);
    expect(firstError({ a: {} })).toMatchObject({ path: `${P}.a`, message: like(/at least one/) });
  });

  it('FLT-12 unknown operators', () => {
    expect(firstError({ a: [{ contains: 'x' }] })).toEqual({
      path: `${P}.a[0].contains`,
      message: like(/unknown operator "contains"/),
    });
    expect(firstError({ a: [{ prefix: 'x', suffix: 'y' }] }).message).toMatch(/exactly one key/);
  });

  it('FLT-12 a field value must be a rule array or an object, with a hint for a bare operator', () => {
    expect(firstError({ a: 'x' })).toMatchObject({ path: `${P}.a`, message: like(/array/) });
    expect(firstError({ a: { prefix: 'x' } }).message).toMatch(/operators go inside a rule array/);
  });

  it('FLT-12 empty arrays', () => {
    expect(firstError({ a: [] })).toMatchObject({ path: `${P}.a`, message: like(/empty/) });
    expect(firstError({ a: [{ 'anything-but': [] }] }).path).toBe(`${P}.a[0].anything-but`);
  });

  it('FLT-12 nested arrays in a rule array', () => {
    expect(firstError({ a: [['x']] })).toMatchObject({ path: `${P}.a[0]` });
  });

  it('FLT-12 malformed numeric ranges', () => {
    const numericError = (spec: unknown) => firstError({ v: [{ numeric: spec }] });
    expect(numericError(['>', 5, '<', 1])).toEqual({
      path: `${P}.v[0].numeric`,
      message: like(/lower bound .* less than/),
    });
    expect(numericError(['>', 5, '<', 5]).message).toMatch(/less than/);
    expect(numericError(['>', 1, '>', 2]).message).toMatch(/one lower bound/);
    expect(numericError(['<', 1, '<=', 2]).message).toMatch(/one upper bound/);
    expect(numericError(['=', 1, '<', 2]).message).toMatch(/"="/);
    expect(numericError(['>', '5']).path).toBe(`${P}.v[0].numeric[1]`);
    expect(numericError(['!=', 5]).message).toMatch(/unknown numeric operator/);
    expect(numericError(['>', 1, '<']).message).toMatch(/takes/);
    expect(numericError(5).message).toMatch(/takes/);
  });

  it('FLT-12 bad CIDR', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '2001:db8::/129', 'x/8', '1:2:3/16', 5]) {
      expect(firstError({ ip: [{ cidr: bad }] }).path).toBe(`${P}.ip[0].cidr`);
    }
  });

  it('FLT-12 $or needs at least two pattern objects', () => {
    expect(firstError({ $or: [{ a: ['x'] }] })).toEqual({
      path: `${P}.$or`,
      message: like(/at least two/),
    });
    expect(firstError({ $or: [{ a: ['x'] }, 'b'] }).path).toBe(`${P}.$or[1]`);
    expect(firstError({ $or: [{ a: ['x'] }, { b: [] }] }).path).toBe(`${P}.$or[1].b`);
  });

  it('FLT-12 bad operator arguments', () => {
    expect(firstError({ a: [{ prefix: 5 }] }).path).toBe(`${P}.a[0].prefix`);
    expect(firstError({ a: [{ prefix: { 'equals-ignore-case': 5 } }] }).path).toBe(`${P}.a[0].prefix`);
    expect(firstError({ a: [{ 'equals-ignore-case': ['x'] }] }).path).toBe(`${P}.a[0].equals-ignore-case`);
    expect(firstError({ a: [{ exists: 'yes' }] }).path).toBe(`${P}.a[0].exists`);
    expect(firstError({ a: [{ 'anything-but': true }] }).message).toMatch(/anything-but/);
    expect(firstError({ a: [{ 'anything-but': null }] }).message).toMatch(/anything-but/);
    expect(firstError({ a: [{ 'anything-but': ['x', 1] }] }).message).toMatch(/only strings or only numbers/);
    expect(firstError({ a: [{ 'anything-but': { prefix: '' } }] }).message).toMatch(/empty/);
    expect(firstError({ a: [{ 'anything-but': { numeric: ['>', 1] } }] }).message).toMatch(/anything-but/);
  });

  it('FLT-12 wildcard syntax and complexity bound', () => {
    expect(firstError({ a: [{ wildcard: 'a**b' }] }).message).toMatch(/consecutive/);
    expect(firstError({ a: [{ wildcard: 'a\\b' }] }).message).toMatch(/backslash/);
    expect(firstError({ a: [{ wildcard: 'a\\' }] }).message).toMatch(/backslash/);
    expect(firstError({ a: [{ wildcard: 'x*'.repeat(33) }] }).message).toMatch(/too complex/);
    expect(errorsOf({ a: [{ wildcard: 'x*'.repeat(32) }] })).toEqual([]);
  });

  it('FLT-1 a pattern over 4096 characters', () => {
    const long = JSON.stringify({ a: ['x'.repeat(4100)] });
    expect(firstError(long).message).toMatch(/4096/);
    const exact = JSON.stringify({ a: ['x'.repeat(4096 - 10)] });
    expect(exact).toHaveLength(4096);
    expect(errorsOf(exact)).toEqual([]);
  });

  it('reports every error, not only the first', () => {
    expect(errorsOf({ a: [], b: [{ nope: 1 }], c: [{ numeric: ['>', 2, '<', 1] }] })).toHaveLength(3);
  });
});

describe('FLT-1 filter list and criteria shape', () => {
  const pattern = (i: number) => ({ Pattern: JSON.stringify({ a: [i] }) });

  it('FLT-1 at most 5 filters by default, up to 10 when configured', () => {
    const six = { Filters: [0, 1, 2, 3, 4, 5].map(pattern) };
    expect(validateFilterCriteria(six, {})).toEqual([
      { path: 'FilterCriteria.Filters', message: like(/at most 5/), severity: 'error' },
    ]);
    expect(validateFilterCriteria(six, { maxFilters: 6 })).toEqual([]);
    const eleven = { Filters: Array.from({ length: 11 }, (_, i) => pattern(i)) };
    expect(validateFilterCriteria(eleven, { maxFilters: 10 })[0]?.message).toMatch(/at most 10/);
    expect(() => validateFilterCriteria(six, { maxFilters: 11 })).toThrow(RangeError);
    expect(() => validateFilterCriteria(six, { maxFilters: 0 })).toThrow(RangeError);
  });

  it('FLT-12 the path names the filter index', () => {
    const issues = validateFilterCriteria({
      Filters: [pattern(0), pattern(1), { Pattern: '{"x": [{"numeric": []}]}' }],
    });
    expect(issues).toEqual([
      { path: 'FilterCriteria.Filters[2].Pattern.x[0].numeric', message: anyString, severity: 'error' },
    ]);
  });

  it('FLT-12 bad criteria shapes', () => {
    expect(validateFilterCriteria('x')[0]?.path).toBe('FilterCriteria');
    expect(validateFilterCriteria({ Filters: 'x' })[0]?.path).toBe('FilterCriteria.Filters');
    expect(validateFilterCriteria({ Filter: [] })[0]?.path).toBe('FilterCriteria.Filter');
    expect(validateFilterCriteria({ Filters: [5] })[0]?.path).toBe('FilterCriteria.Filters[0]');
    expect(validateFilterCriteria({ Filters: [{}] })[0]?.path).toBe('FilterCriteria.Filters[0].Pattern');
    expect(validateFilterCriteria({ Filters: [{ Pattern: {} }] })[0]?.path).toBe('FilterCriteria.Filters[0].Pattern');
    expect(validateFilterCriteria({ Filters: [{ Pattern: '{"a":[1]}', Other: 1 }] })[0]?.path).toBe(
      'FilterCriteria.Filters[0].Other',
    );
    expect(validateFilterCriteria(undefined)).toEqual([]);
    expect(validateFilterCriteria({})).toEqual([]);
  });
});

describe('FLT-12 InvalidFilterPatternError from the API', () => {
  it('FLT-12 createRecordFilter throws InvalidFilterPatternError with the reason, filter index and path', () => {
    let caught: unknown;
    try {
      createRecordFilter(
        { Filters: [{ Pattern: '{"a":["x"]}' }, { Pattern: '{"b":[{"cidr":"nope"}]}' }] },
        sourceOf('sqs'),
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidFilterPatternError);
    const e = caught as InstanceType<typeof InvalidFilterPatternError>;
    expect(e.filterIndex).toBe(1);
    expect(e.path).toBe('FilterCriteria.Filters[1].Pattern.b[0].cidr');
    expect(e.reason).toMatch(/bad CIDR/);
    expect(e.message).toContain('FilterCriteria.Filters[1].Pattern.b[0].cidr');
    expect(e.issues).toHaveLength(1);
  });

  it('FLT-12 the error maps to InvalidParameterValueException 400 and is a SluiceError', () => {
    try {
      createRecordFilter({ Filters: [{ Pattern: 'nope' }] }, sourceOf('generic'));
      expect.unreachable();
    } catch (e) {
      expect(LambdaApiErrorCheck(e)).toEqual({ code: 'InvalidParameterValueException', statusCode: 400, sluice: true });
    }
  });

  it('FLT-12 too many filters throws too', () => {
    const filters = Array.from({ length: 6 }, () => ({ Pattern: '{"a":[1]}' }));
    expect(() => createRecordFilter({ Filters: filters }, sourceOf('generic'))).toThrow(InvalidFilterPatternError);
    expect(createRecordFilter({ Filters: filters }, sourceOf('generic'), { maxFilters: 6 })({ a: 1 })).toBe(true);
  });

  it('rejects a source whose data field it cannot read', () => {
    const data = { path: [], encoding: 'text', form: 'text', mismatch: 'fail' } as const;
    expect(() => createRecordFilter({}, { label: 'mq', data })).toThrow(TypeError);
  });
});

describe('D-6 warnings for operators AWS Lambda may reject', () => {
  it('D-6 warns (does not fail) for wildcard, cidr, ignore-case prefix/suffix and anything-but variants', () => {
    const cases: Array<[unknown, string]> = [
      [{ a: [{ wildcard: 'x*' }] }, `${P}.a[0].wildcard`],
      [{ a: [{ cidr: '10.0.0.0/8' }] }, `${P}.a[0].cidr`],
      [{ a: [{ prefix: { 'equals-ignore-case': 'x' } }] }, `${P}.a[0].prefix`],
      [{ a: [{ suffix: { 'equals-ignore-case': 'x' } }] }, `${P}.a[0].suffix`],
      [{ a: [{ 'anything-but': { prefix: 'x' } }] }, `${P}.a[0].anything-but.prefix`],
      [{ a: [{ 'anything-but': { suffix: 'x' } }] }, `${P}.a[0].anything-but.suffix`],
      [{ a: [{ 'anything-but': { 'equals-ignore-case': 'x' } }] }, `${P}.a[0].anything-but.equals-ignore-case`],
      [{ a: [{ 'anything-but': { wildcard: 'x*' } }] }, `${P}.a[0].anything-but.wildcard`],
    ];
    for (const [pattern, path] of cases) {
      expect(errorsOf(pattern)).toEqual([]);
      expect(warningsOf(pattern)).toEqual([{ path, message: like(/AWS Lambda may reject/), severity: 'warning' }]);
    }
  });

  it('D-6 Lambda-supported operators give no warning', () => {
    const pattern = {
      a: ['x', 1, true, null, ''],
      b: [{ prefix: 'x' }, { suffix: 'y' }, { 'equals-ignore-case': 'z' }, { 'anything-but': ['p', 'q'] }],
      c: [{ numeric: ['>', 0, '<=', 5] }, { exists: true }],
      $or: [{ d: ['1'] }, { e: ['2'] }],
    };
    expect(warningsOf(pattern)).toEqual([]);
  });

  it('warns for numeric bounds outside the AWS range of ±5e9', () => {
    expect(warningsOf({ a: [{ numeric: ['>', 6e9] }] })[0]?.path).toBe(`${P}.a[0].numeric[1]`);
  });
});
