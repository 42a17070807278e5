import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { resolveModuleFile } from '../../../../src/runtimes/nodejs/handler-path.js';

it('a built .js wins over the .ts next to it, as on Lambda', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-hp-'));
  await writeFile(path.join(dir, 'app.ts'), '');
  await writeFile(path.join(dir, 'app.js'), '');
  expect(resolveModuleFile(dir, 'app', true)).toBe(path.join(dir, 'app.js'));
});

it('a .ts handler on a Node.js that cannot strip types says so instead of only "Cannot find module"', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-hp-'));
  await writeFile(path.join(dir, 'app.mts'), '');
  expect(resolveModuleFile(dir, 'app', true)).toBe(path.join(dir, 'app.mts'));
  expect(() => resolveModuleFile(dir, 'app', false)).toThrow(
    /Cannot find module 'app'[\s\S]*Found app\.mts: .*build it to \.js/,
  );
});
