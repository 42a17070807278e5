// #18: `sluice validate` on YAML and JSON-with-comments files, file:line:column on every problem, and handler files
// checked (with what to do when only a .ts or a file elsewhere exists).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './service.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-cfgfmt-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const HANDLER = 'exports.handler = async () => ({ ok: true });\n';

describe('sluice validate: config formats', () => {
  it('a YAML config with SAM runtime names and ${env:} is valid; what validate does not check is said', async () => {
    const dir = await project({
      'sluice.yaml': `# orders
functions:
  orders:
    Runtime: nodejs22.x
    Handler: handlers/orders.handler
    Environment:
      Variables: { TABLE: "\${env:TABLE}" }
eventSourceMappings:
  - FunctionName: orders
    EventSourceArn: memory://queue/orders
`,
      'handlers/orders.js': HANDLER,
    });
    const r = await runCli(['validate', '--config', path.join(dir, 'sluice.yaml')], { TABLE: 't' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is valid: 1 function\(s\), 1 mapping\(s\)/);
    expect(r.stdout).toMatch(/not checked here: handler exports/);
  });

  it('a JSONC config with comments and trailing commas is valid', async () => {
    const dir = await project({
      'sluice.jsonc': `{
  // one function, no mappings
  "functions": { "f": { "Handler": "index.handler", }, },
}
`,
      'index.mjs': 'export const handler = async () => 1;\n',
    });
    const r = await runCli(['validate', '--config', path.join(dir, 'sluice.jsonc')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('problems are printed once each as file:line:column: error: path: message', async () => {
    const dir = await project({
      'sluice.yaml': `connections:
  sqs: { type: sqs, endpoint: "\${env:SQS_URL}" }
functions:
  f: { Handler: index.handler, Timeout: 0 }
eventSourceMappings:
  - { FunctionName: f, EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:a" }
  - { FunctionName: f, EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:b" }
`,
      'index.js': HANDLER,
    });
    const file = path.join(dir, 'sluice.yaml');
    const r = await runCli(['validate', '--config', file], {});
    expect(r.code).toBe(2);
    // The unset variable is one error: neither mapping repeats it as "no connection of type sqs".
    expect(r.stderr.split('\n').filter((l) => l.includes(': error: '))).toEqual([
      `  ${file}:2:31: error: connections.sqs.endpoint: environment variable SQS_URL is not set`,
      `  ${file}:4:41: error: functions.f.Timeout: Too small: expected number to be >=1`,
    ]);
  });
});

describe('sluice validate: handler files', () => {
  const config = (handler: string, extra = '') => `functions:\n  f:\n    Handler: ${handler}\n${extra}`;
  const validate = async (files: Record<string, string>) => {
    const dir = await project(files);
    return { dir, r: await runCli(['validate', '--config', path.join(dir, 'sluice.yaml')]) };
  };

  it('a missing handler module is an error at its line, naming where the runtime looked', async () => {
    const { r } = await validate({ 'sluice.yaml': config('handlers/nope.handler') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sluice\.yaml:3:14: error: functions\.f\.Handler: no handlers\/nope\.js\|\.mjs\|\.cjs/);
  });

  it('only a .ts in src/ while Handler points at dist/: says build it or point Handler at it', async () => {
    const { r } = await validate({ 'sluice.yaml': config('dist/orders.handler'), 'src/orders.ts': HANDLER });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'found src/orders.ts: build it to dist/orders.js, or set Handler to "src/orders.handler"',
    );
  });

  it('a .js elsewhere: says which Handler would find it (relative to CodeUri)', async () => {
    const { r } = await validate({
      'sluice.yaml': config('orders.handler', '    CodeUri: app\n'),
      'app/src/orders.js': HANDLER,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('found app/src/orders.js: set Handler to "src/orders.handler"');
  });

  it('a CodeUri that does not exist is said so', async () => {
    const { r } = await validate({ 'sluice.yaml': config('index.handler', '    CodeUri: nowhere\n') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/functions\.f\.Handler: CodeUri nowhere is not a directory/);
  });

  it('a TypeScript handler next to where Handler points is valid on Node 24 (it runs as is)', async () => {
    const { r } = await validate({ 'sluice.yaml': config('index.handler'), 'index.ts': HANDLER });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
