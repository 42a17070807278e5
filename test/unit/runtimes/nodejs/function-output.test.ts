import { expect, it } from 'vitest';
import { FunctionOutput } from '../../../../src/runtimes/shared/function-output.js';

function collect(): { out: FunctionOutput; text: () => string } {
  const chunks: string[] = [];
  return { out: new FunctionOutput('orders', (t) => chunks.push(t)), text: () => chunks.join('') };
}

it('every line of function output names its function', () => {
  const { out, text } = collect();
  out.push('2026-12-03T10:00:00.000Z\tr1\tINFO\thello\nsecond line\n');
  expect(text()).toBe('[orders] 2026-12-03T10:00:00.000Z\tr1\tINFO\thello\n[orders] second line\n');
});

it('a line written in pieces is prefixed once', () => {
  const { out, text } = collect();
  out.push('par');
  out.push('tial\nnext');
  out.push('\n');
  expect(text()).toBe('[orders] partial\n[orders] next\n');
});

it('a JSON object line gets a leading "function" member, never a second one', () => {
  const { out, text } = collect();
  out.push('{"level":"INFO","message":"x"}\n{"function":"mine","a":1}\n[1,2]\n');
  const [first, second, third] = text().split('\n');
  expect(first).toBe('{"function":"orders","level":"INFO","message":"x"}');
  expect(second).toBe('{"function":"mine","a":1}');
  expect(third).toBe('[orders] [1,2]');
});
