// #18 import through the built CLI: `sluice import` writes a config `sluice validate` accepts, a broken template
// exits 2 with its line and column, and `sluice start --template` serves the template's function in memory.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { MAIN, runCli } from './service.js';

const ECHO = 'test/fixtures/import/echo.yaml';

describe('#18 sluice import (CLI)', () => {
  it('writes a config that validate accepts, and lists what it did not translate', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'sluice-import-')), 'sluice.json');
    const r = await runCli([
      'import',
      'test/fixtures/import/sam-app.yaml',
      '-o',
      out,
      '--dynamodb-endpoint',
      'http://127.0.0.1:1',
    ]);
    expect(r.stderr).toContain('Resources.ProcessorFunction.Properties.Policies: not used by sluice');
    expect(r.code).toBe(0);
    const v = await runCli(['validate', '--config', out]);
    expect(v.stdout).toContain('1 function(s), 4 mapping(s)');
    expect(v.code).toBe(0);
  });

  it('handler files validate would miss are listed, not fatal (they may come from a build)', async () => {
    const r = await runCli([
      'import',
      'test/fixtures/import/cfn-stack.json',
      '--dynamodb-endpoint',
      'http://127.0.0.1:1',
    ]);
    expect(r.stderr).toMatch(/handler files \(sluice validate checks them\):\n.*functions\.dev-worker\.Handler/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('functions.dev-worker');
  });

  it('import --help, and a missing template is a usage error', async () => {
    const help = await runCli(['import', '--help']);
    expect(help.stdout).toMatch(/Usage: sluice import TEMPLATE/);
    expect(help.code).toBe(0);
    expect((await runCli(['import'])).code).toBe(2);
  });

  it('a template that is not valid YAML exits 2 with line:column', async () => {
    const bad = await runCli(['import', 'test/fixtures/import/handlers.mjs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/handlers\.mjs:\d+:\d+: /);
  });

  it('start --template runs the template in memory', async () => {
    const child = spawn(process.execPath, [MAIN, 'start', '--template', ECHO, '--port', '0'], {
      env: { ...process.env, SLUICE_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const logs: string[] = [];
        for (const stream of [child.stdout, child.stderr])
          createInterface({ input: stream }).on('line', (line) => {
            logs.push(line);
            if (line.includes('Invoke API listening')) resolve((JSON.parse(line) as { port: number }).port);
          });
        void exited.then((code) => reject(new Error(`sluice exited with ${code}:\n${logs.join('\n')}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/Echo/invocations`, {
        method: 'POST',
        body: JSON.stringify({ hello: 'template' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        event: { hello: 'template' },
        queueUrl: 'http://127.0.0.1:9324/000000000000/jobs',
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
