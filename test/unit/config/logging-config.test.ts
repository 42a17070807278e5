import { expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';

const load = (LoggingConfig: unknown) =>
  loadConfigText(
    JSON.stringify({ functions: { f: { Handler: 'functions/hello.handler', LoggingConfig } } }),
    'test.json',
    {},
  );

it("a function's LoggingConfig uses Lambda's names; log levels need LogFormat JSON", () => {
  expect(load({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' }).problems).toEqual([]);
  expect(load({ LogFormat: 'Text', ApplicationLogLevel: 'DEBUG' }).problems.map((p) => p.path)).toEqual([
    'functions.f.LoggingConfig.ApplicationLogLevel',
  ]);
  expect(load({ LogFormat: 'XML' }).problems.map((p) => p.path)).toEqual(['functions.f.LoggingConfig.LogFormat']);
  const f = load({ LogFormat: 'JSON' }).config?.functions.get('f');
  expect(f?.settings.LoggingConfig).toEqual({ LogFormat: 'JSON' });
});
