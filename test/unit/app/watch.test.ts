// What --watch counts as a code change under a function's code directory (#18 item 3).
import { expect, it } from 'vitest';
import { isCodeChange } from '../../../src/app/watch.js';

it('DEV-watch: handler files are code changes; node_modules and dotfiles are not', () => {
  expect(isCodeChange('app.mjs')).toBe(true);
  expect(isCodeChange('lib/util.ts')).toBe(true);
  expect(isCodeChange('node_modules/left-pad/index.js')).toBe(false);
  expect(isCodeChange('lib/node_modules/x.js')).toBe(false);
  expect(isCodeChange('.git/index')).toBe(false);
  expect(isCodeChange('lib/.app.mjs.swp')).toBe(false);
});
