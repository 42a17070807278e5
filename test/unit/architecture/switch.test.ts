// #16 item 5: a switch over a union names every member or has a deliberate `default` (switch-exhaustiveness-check),
// proven on the real eslint.config.js with type information. The code is linted as this file's text, so nothing is
// written to disk.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const file = fileURLToPath(import.meta.url);
const RULE = '@typescript-eslint/switch-exhaustiveness-check';
const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../../', import.meta.url)) });

async function switchErrors(body: string): Promise<string[]> {
  const source = `type Shape = 'queue' | 'stream';\nexport function f(s: Shape): number {\n${body}\n}\n`;
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('switch-exhaustiveness-check (lint)', { timeout: 120_000 }, () => {
  it('a switch missing a union member is an error; every member, or a default, is fine', async () => {
    expect(await switchErrors("  switch (s) {\n    case 'queue':\n      return 1;\n  }\n  return 0;")).toEqual([
      expect.stringMatching(/not exhaustive.*"stream"/),
    ]);
    expect(
      await switchErrors(
        "  switch (s) {\n    case 'queue':\n      return 1;\n    case 'stream':\n      return 2;\n  }",
      ),
    ).toEqual([]);
    expect(
      await switchErrors("  switch (s) {\n    case 'queue':\n      return 1;\n    default:\n      return 0;\n  }"),
    ).toEqual([]);
  });
});
