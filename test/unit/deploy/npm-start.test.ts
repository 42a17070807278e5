// `npm start` must leave no sluice behind after SIGTERM: npm forwards the signal to its child, the `sh -c` of the
// script. With `build && node …` that shell is the child and dies without passing it on, orphaning a running
// sluice (seen by hand); the build goes to `prestart` and the script execs node, so node itself is the child.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

it('npm start execs node (signals reach sluice) and builds in prestart', () => {
  expect(scripts.start).toMatch(/^exec node dist\/src\/main\.js start\b/);
  expect(scripts.start).not.toMatch(/&&|;|\|/);
  expect(scripts.prestart).toBe('npm run build');
});
