import { expect, it } from 'vitest';
import { consoleFormatOf, consoleLine } from '../../../../src/runtimes/nodejs/console-format.js';

const at = new Date('2026-12-03T10:00:00.000Z');
const text = consoleFormatOf({});
const json = consoleFormatOf({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' });

it('Text format: time, request id, level and the util.format message; no level filtering', () => {
  expect(consoleLine(text, 'DEBUG', 'r1', ['n=%d', 3], at)).toBe('2026-12-03T10:00:00.000Z\tr1\tDEBUG\tn=3\n');
  expect(consoleLine(text, 'TRACE', undefined, ['x'], at)).toBe('2026-12-03T10:00:00.000Z\tundefined\tTRACE\tx\n');
});

it('JSON format: one object per line; a single argument stays a value; levels below the application level are dropped', () => {
  expect(consoleLine(json, 'INFO', 'r1', ['dropped'], at)).toBeUndefined();
  expect(JSON.parse(consoleLine(json, 'WARN', 'r1', [{ a: 1 }], at) ?? '')).toEqual({
    timestamp: '2026-12-03T10:00:00.000Z',
    level: 'WARN',
    requestId: 'r1',
    message: { a: 1 },
  });
  expect(JSON.parse(consoleLine(json, 'ERROR', 'r1', ['a', 1], at) ?? '')).toMatchObject({ message: 'a 1' });
});

it('JSON format: errors keep their type, message and stack', () => {
  const err = new TypeError('bad');
  const one = JSON.parse(consoleLine(json, 'ERROR', 'r1', [err], at) ?? '') as { message: Record<string, unknown> };
  expect(one.message).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad' });
  const two = JSON.parse(consoleLine(json, 'ERROR', 'r1', ['failed:', err], at) ?? '') as Record<string, unknown>;
  expect(two).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad' });
  expect(two.message).toMatch(/^failed: TypeError: bad/);
});

it('JSON format defaults to INFO; an unknown level falls back to it', () => {
  expect(consoleFormatOf({ AWS_LAMBDA_LOG_FORMAT: 'json' })).toEqual({ json: true, minLevel: 'INFO' });
  expect(consoleFormatOf({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'loud' }).minLevel).toBe('INFO');
});
