// The README's config examples load as written (#18): every ```jsonc / ```json / ```yaml block of its Configuration
// section goes through the loader in the format its fence names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';

const README = readFileSync('README.md', 'utf8');
const section = README.slice(
  README.indexOf('\n## Configuration'),
  README.indexOf('\n## ', README.indexOf('\n## Configuration') + 1),
);
const EXT: Record<string, string> = { json: 'json', jsonc: 'jsonc', yaml: 'yaml', yml: 'yaml' };
const examples = [...section.matchAll(/^```(jsonc?|ya?ml)\n([\s\S]*?)^```/gm)].map((m, i) => ({
  name: `README.md example ${i + 1} (${m[1]})`,
  file: `README-example-${i + 1}.${EXT[m[1] ?? ''] ?? 'json'}`,
  text: m[2] ?? '',
}));
/** A value for each ${env:NAME} an example names (the README keeps secrets out of files). */
const envOf = (text: string): NodeJS.ProcessEnv =>
  Object.fromEntries([...text.matchAll(/\$\{env:(\w+)\}/g)].map((m) => [m[1] ?? '', `value-of-${m[1]}`]));

describe('README configuration examples', () => {
  it('has a JSON-with-comments example and a YAML example', () => {
    expect(examples.map((e) => e.file.split('.').pop())).toEqual(expect.arrayContaining(['jsonc', 'yaml']));
  });

  it.each(examples)('$name loads with no problems or warnings', ({ file, text }) => {
    const r = loadConfigText(text, file, envOf(text));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config?.functions.size).toBeGreaterThan(0);
  });
});
