// `sluice validate`'s handler check (#18) where Node cannot run TypeScript: what it says about a lone .ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerFileProblems } from '../../../src/config/handler-files.js';
import { loadConfigText } from '../../../src/config/loader.js';

const configIn = (dir: string, fns: object) =>
  loadConfigText(JSON.stringify({ functions: fns }), path.join(dir, 'sluice.json'), {}).config!;

describe('handler files', () => {
  it('without type stripping, a handler.ts next to the Handler path says: build it, or use Node.js 24', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-handlers-'));
    writeFileSync(path.join(dir, 'handler.ts'), 'export const handler = async () => 1;\n');
    const config = configIn(dir, { f: { Handler: 'handler.handler' } });
    expect(handlerFileProblems(config, false)).toEqual([
      {
        path: 'functions.f.Handler',
        message:
          'no handler.js|.mjs|.cjs; found handler.ts: build it to .js, or run sluice on Node.js 24, which runs it as is',
      },
    ]);
    expect(handlerFileProblems(config, true)).toEqual([]);
  });

  it('only nodejs functions are checked (http and lambda have no file)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-handlers-'));
    const config = configIn(dir, { h: { Runtime: 'http', Url: 'http://127.0.0.1:1/x' }, n: { Handler: 'x.handler' } });
    expect(handlerFileProblems(config, true).map((p) => p.path)).toEqual(['functions.n.Handler']);
  });
});
