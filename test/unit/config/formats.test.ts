// #18 config formats: JSON with comments and trailing commas, YAML, line:column on every problem, and one error per
// root cause (each cascade found in the loader has a regression test here).
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';
import { formatProblems } from '../../../src/config/problems.js';

const sqsArn = (q: string) => `arn:aws:sqs:us-east-1:000000000000:${q}`;
const json = (cfg: unknown) => JSON.stringify(cfg, null, 2);
/** Where `needle` starts in `text`, 1-based, as the loader reports it. */
function where(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  expect(offset, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

describe('config formats', () => {
  it('JSON with comments and trailing commas loads, with ${env:} substituted', () => {
    const text = `{
  // a comment
  "functions": {
    "f": { "Handler": "functions/hello.handler", "Environment": { "Variables": { "T": "\${env:T}" } }, }, /* block */
  },
}`;
    for (const file of ['sluice.json', 'sluice.jsonc']) {
      const r = loadConfigText(text, file, { T: 'orders' });
      expect(r.problems).toEqual([]);
      expect(r.config?.functions.get('f')?.environment).toEqual({ T: 'orders' });
    }
  });

  it('YAML (.yaml and .yml) loads the same config, with ${env:} substituted', () => {
    const text = `# sluice in YAML
functions:
  f:
    Handler: functions/hello.handler
    Timeout: 30
    Environment:
      Variables: { T: "\${env:T}" }
eventSourceMappings:
  - FunctionName: f
    EventSourceArn: memory://queue/orders
    BatchSize: 5
`;
    for (const file of ['sluice.yaml', 'sluice.yml']) {
      const r = loadConfigText(text, file, { T: 'orders' });
      expect(r.problems).toEqual([]);
      expect(r.config?.functions.get('f')?.timeoutMs).toBe(30_000);
      expect(r.config?.functions.get('f')?.environment).toEqual({ T: 'orders' });
      expect(r.config?.mappings.map((m) => [m.eventSourceArn, m.batchSize])).toEqual([['memory://queue/orders', 5]]);
    }
  });

  it('a parse error is one problem at its line:column (JSONC and YAML)', () => {
    const bad = '{\n  "functions": {"f": {"Handler": "a.b" "Timeout": 3}}\n}';
    expect(loadConfigText(bad, 'x.json', {}).problems).toEqual([
      { path: '(root)', message: 'not valid JSON: comma expected', line: 2, column: 40 },
    ]);
    const yaml = 'functions:\n  f:\n    Handler: a.b\n   Timeout: 0\n';
    const p = loadConfigText(yaml, 'x.yaml', {}).problems;
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ path: '(root)', line: 4 });
    expect(p[0]?.message).toMatch(/not valid YAML/);
    // A duplicate key is an error in YAML (in JSON the last one wins, as JSON.parse does).
    expect(loadConfigText('functions: {}\nfunctions: {}\n', 'x.yaml', {}).problems[0]?.message).toMatch(/unique/);
  });

  it('a YAML nesting too deep is one problem, not a crash', () => {
    const n = 20_000;
    const r = loadConfigText(`functions: ${'['.repeat(n)}1${']'.repeat(n)}\n`, 'deep.yaml', {});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toMatch(/nested deeper than 64 levels/);
  });

  it('schema and cross-field problems carry the line:column of the offending value (JSON)', () => {
    const text = json({
      functions: { f: { Handler: 'a.b', Timeout: 0, Bogus: 1 } },
      eventSourceMappings: [{ FunctionName: 'g', EventSourceArn: 'memory://queue/q' }],
    });
    const r = loadConfigText(text, 'x.json', {});
    const at = Object.fromEntries(r.problems.map((p) => [p.path, { line: p.line, column: p.column }]));
    expect(at['functions.f.Timeout']).toEqual(where(text, '0,'));
    expect(at['functions.f']).toEqual(where(text, '"Bogus"')); // an unknown key: the key itself
    expect(at['eventSourceMappings[0].FunctionName']).toEqual(where(text, '"g"'));
  });

  it('schema and cross-field problems carry the line:column of the offending value (YAML)', () => {
    const text = `functions:
  f:
    Handler: a.b
    Timeout: 0
eventSourceMappings:
  - FunctionName: f
    EventSourceArn: memory://queue/q
  - FunctionName: g
    EventSourceArn: memory://queue/q
    BatchSize: 0
`;
    const r = loadConfigText(text, 'x.yaml', {});
    const at = Object.fromEntries(r.problems.map((p) => [p.path, { line: p.line, column: p.column }]));
    expect(at['functions.f.Timeout']).toEqual({ line: 4, column: 14 });
    expect(at['eventSourceMappings[1].BatchSize']).toEqual({ line: 10, column: 16 });
  });

  it('a missing field points at the object that lacks it; formatProblems prints file:line:column', () => {
    const text = json({ eventSourceMappings: [{ EventSourceArn: 'memory://queue/q' }] });
    const r = loadConfigText(text, 'x.json', {});
    expect(r.problems).toMatchObject([
      { path: 'eventSourceMappings[0].FunctionName', ...where(text, '{\n      "Event') },
    ]);
    const { line, column } = where(text, '{\n      "Event');
    expect(formatProblems(r.problems, 'x.json')).toBe(
      `  x.json:${line}:${column}: error: eventSourceMappings[0].FunctionName: ${r.problems[0]?.message}`,
    );
  });
});

describe('one root cause, one error', () => {
  const mappings = (extra: object = {}) =>
    [1, 2, 3].map((i) => ({ FunctionName: 'f', EventSourceArn: sqsArn(`q${i}`), ...extra }));
  const fn = { f: { Handler: 'a.b' } };

  it('a missing ${env:} in a connection is one error, not one more per mapping or destination using it', () => {
    const r = loadConfigText(
      json({
        connections: { sqs: { type: 'sqs', endpoint: '${env:SQS_URL}' } },
        functions: { f: { Handler: 'a.b', DeadLetterConfig: { TargetArn: sqsArn('dlq') } } },
        eventSourceMappings: mappings(),
      }),
      'x.json',
      {},
    );
    expect(r.problems).toMatchObject([
      { path: 'connections.sqs.endpoint', message: 'environment variable SQS_URL is not set' },
    ]);
  });

  it('a connection that fails the schema is one error, not one more per mapping naming it', () => {
    const r = loadConfigText(
      json({
        connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324', bogus: 1 } },
        functions: fn,
        eventSourceMappings: mappings({ Connection: 'sqs' }),
      }),
      'x.json',
      {},
    );
    expect(r.problems.map((p) => p.path)).toEqual(['connections.sqs']);
  });

  it('state redis on a connection that fails the schema: one error, not also "needs a connection of type redis"', () => {
    const r = loadConfigText(
      json({
        state: { type: 'redis', connection: 'r' },
        connections: { r: { type: 'redis', url: 'redis://h:1', x: 1 } },
      }),
      'x.json',
      {},
    );
    expect(r.problems.map((p) => p.path)).toEqual(['connections.r']);
  });

  it('a missing ${env:} in a reference (Connection) is one error, also when another part fails the schema', () => {
    const r = loadConfigText(
      json({
        connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' } },
        functions: { f: { Handler: 'a.b', Timeout: 0 } },
        eventSourceMappings: [{ FunctionName: 'f', Connection: '${env:CONN}', EventSourceArn: sqsArn('q') }],
      }),
      'x.json',
      {},
    );
    expect(r.problems.map((p) => [p.path, p.message])).toEqual([
      ['eventSourceMappings[0].Connection', 'environment variable CONN is not set'],
      ['functions.f.Timeout', 'Too small: expected number to be >=1'],
    ]);
  });

  it('two missing variables in one string are one error naming both', () => {
    const r = loadConfigText(json({ functions: { f: { Runtime: 'http', Url: '${env:H}/${env:P}' } } }), 'x.json', {});
    expect(r.problems).toMatchObject([{ path: 'functions.f.Url', message: 'environment variables H, P are not set' }]);
  });

  it('an unknown connection named by 3 mappings is one error per reference, with no schema noise', () => {
    const r = loadConfigText(
      json({ connections: {}, functions: fn, eventSourceMappings: mappings({ Connection: 'nope' }) }),
      'x.json',
      {},
    );
    expect(r.problems.map((p) => [p.path, p.message])).toEqual(
      [0, 1, 2].map((i) => [`eventSourceMappings[${i}].Connection`, 'no connection "nope" in connections']),
    );
  });

  it('a connection with a wrong or missing type is one error, not one more per mapping that names or needs it', () => {
    const load = (connections: object, extra: object) =>
      loadConfigText(json({ connections, functions: fn, eventSourceMappings: mappings(extra) }), 'x.json', {});
    const endpoint = 'http://127.0.0.1:9324';
    expect(load({ x: { type: 'sqsx', endpoint } }, { Connection: 'x' }).problems.map((p) => p.path)).toEqual([
      'connections.x.type',
    ]);
    expect(load({ sqs: { type: 'sqsx', endpoint } }, {}).problems.map((p) => p.path)).toEqual(['connections.sqs.type']);
    expect(load({ sqs: { endpoint } }, {}).problems.map((p) => p.path)).toEqual(['connections.sqs.type']);
  });

  it('a connections or functions section of the wrong shape is one error, not one per reference', () => {
    const load = (cfg: object) => loadConfigText(json(cfg), 'x.json', {}).problems.map((p) => p.path);
    expect(load({ connections: 'oops', functions: fn, eventSourceMappings: mappings() })).toEqual(['connections']);
    const memory = [1, 2].map((i) => ({ FunctionName: 'f', EventSourceArn: `memory://queue/q${i}` }));
    expect(load({ functions: [], eventSourceMappings: memory })).toEqual(['functions']);
  });

  it('with a missing variable, independent cross-field problems are still reported in the same run', () => {
    const r = loadConfigText(
      json({
        functions: { f: { Runtime: 'http', Url: '${env:U}' } },
        eventSourceMappings: [{ FunctionName: 'nope', EventSourceArn: 'memory://queue/q' }],
      }),
      'x.json',
      {},
    );
    expect(r.problems.map((p) => p.path)).toEqual(['functions.f.Url', 'eventSourceMappings[0].FunctionName']);
  });
});

describe('SAM runtime names (FN-8)', () => {
  it.each(['python3.12', 'provided.al2023'])('FN-8 RT-17 RT-21 %s is a runtime of its own (Runtime API)', (name) => {
    const r = loadConfigText(json({ functions: { f: { Runtime: name, Handler: 'app.handler' } } }), 'x.json', {});
    expect(r.problems).toEqual([]);
    expect(r.config?.functions.get('f')?.runtime).toBe(name);
  });

  const runtime = (Runtime: string) =>
    loadConfigText(json({ functions: { f: { Runtime, Handler: 'functions/hello.handler' } } }), 'x.json', {});

  it.each(['nodejs24.x', 'nodejs22.x', 'nodejs20.x'])('FN-8 %s is an alias of the nodejs runtime', (name) => {
    const r = runtime(name);
    expect(r.problems).toEqual([]);
    expect(r.config?.functions.get('f')?.runtime).toBe('nodejs');
    expect(r.config?.functions.get('f')?.settings.Handler).toBe('functions/hello.handler');
  });

  it('FN-8 a retired Node.js runtime is one error naming the supported ones', () => {
    const r = runtime('nodejs18.x');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ path: 'functions.f.Runtime', line: 4 });
    expect(r.problems[0]?.message).toMatch(/"nodejs18.x".*nodejs24.x, nodejs22.x, nodejs20.x/);
  });

  it('FN-8 another language, or no runtime at all, says what a config function can run as', () => {
    expect(runtime('dotnet8').problems[0]?.message).toMatch(/"dotnet8".*nodejs.*python3.10-3.14.*http.*lambda/);
    expect(runtime('node').problems[0]?.message).toMatch(/"node" is not a runtime: use nodejs \(or nodejs24.x/);
  });
});
