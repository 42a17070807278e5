// Every example config in config/examples loads without problems, and each shows the source it is named after.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText, type LoadResult } from '../../../src/config/loader.js';

const DIR = 'config/examples';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Values for the ${env:...} placeholders the examples use (secrets stay out of the files). */
const ENV: NodeJS.ProcessEnv = {
  SLUICE_TOKEN: 'example-token-of-at-least-16-chars',
  SQS_SECRET_ACCESS_KEY: 'x',
  KAFKA_PASSWORD: 'kafka-password',
  WEBHOOK_TOKEN: 'webhook-token',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

const load = (file: string): LoadResult => {
  const full = path.join(DIR, file);
  return loadConfigText(readFileSync(full, 'utf8'), full, ENV);
};

// The kind of the connector that reads each example's source.
const SOURCE_OF: Record<string, string | undefined> = {
  'sqs-elasticmq.json': 'sqs',
  'kinesis.json': 'kinesis',
  'dynamodb-streams.json': 'dynamodb',
  'kafka.json': 'kafka',
  'redis-streams.json': 'redis',
  'async-destinations.json': undefined,
  'http-function.json': 'memory',
};

describe('config/examples', () => {
  it('has one example per source, plus async destinations and HTTP/Lambda functions', () => {
    expect(files).toEqual(Object.keys(SOURCE_OF).sort());
  });

  it.each(files)('%s passes the config loader with no problems or warnings', (file) => {
    const r = load(file);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config).toBeDefined();
  });

  it.each(files)('%s reads the source it is named after', (file) => {
    const kinds = new Set(load(file).config?.mappings.map((m) => m.kind));
    const expected = SOURCE_OF[file];
    if (expected === undefined) expect(kinds.size).toBe(0);
    else expect([...kinds]).toEqual([expected]);
  });

  it.each(files)('%s: every nodejs handler module exists (CodeUri is relative to the file)', (file) => {
    const config = load(file).config!;
    for (const fn of config.functions.values()) {
      if (fn.runtime !== 'nodejs') continue;
      const codeUri = path.resolve(config.baseDir, typeof fn.settings.CodeUri === 'string' ? fn.settings.CodeUri : '.');
      const module = String(fn.settings.Handler).split('.')[0] ?? '';
      expect(
        ['.js', '.mjs', '.cjs'].some((ext) => existsSync(path.join(codeUri, module + ext))),
        `${file}: ${fn.name}`,
      ).toBe(true);
    }
  });

  it("kafka.json uses both of Lambda's forms: Topics + SelfManagedEventSource, and Topics + a named connection", () => {
    const mappings = load('kafka.json').config?.mappings ?? [];
    expect(mappings.map((m) => [m.eventSourceArn, m.ownConnection !== undefined, m.connectionName])).toEqual([
      ['kafka://orders', true, undefined],
      ['kafka://payments', false, 'secure-kafka'],
    ]);
    expect(mappings[0]?.consumerGroupId).toBe('orders-processor');
  });

  it('async-destinations.json keeps the async queue in Redis and sets OnSuccess, OnFailure and a DLQ', () => {
    const config = load('async-destinations.json').config!;
    expect(config.state.type).toBe('redis');
    const fns = [...config.functions.values()];
    expect(fns.some((f) => f.async.onSuccess !== undefined)).toBe(true);
    expect(fns.some((f) => f.async.onFailure !== undefined)).toBe(true);
    expect(fns.some((f) => f.async.deadLetterTargetArn !== undefined)).toBe(true);
  });

  it('http-function.json runs functions over HTTP and on a Lambda-API endpoint', () => {
    const runtimes = [...(load('http-function.json').config?.functions.values() ?? [])].map((f) => f.runtime);
    expect(runtimes.sort()).toEqual(['http', 'lambda']);
  });

  it('a missing ${env:...} variable is reported, not replaced by an empty string', () => {
    const text = readFileSync(path.join(DIR, 'kafka.json'), 'utf8');
    const r = loadConfigText(text, 'kafka.json', {});
    expect(r.problems).toMatchObject([
      { path: 'connections.secure-kafka.sasl.password', message: 'environment variable KAFKA_PASSWORD is not set' },
    ]);
  });
});
