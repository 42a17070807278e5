// Reading a template file: JSON, or YAML with CloudFormation's short-form intrinsic tags (!Ref, !GetAtt, !Sub...),
// each turned into its long form ({ "Fn::Sub": ... }) by the yaml package's custom tags.
import { parseDocument, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

const FUNCTIONS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'If',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Equals',
  'And',
  'Or',
  'Not',
  'Base64',
  'GetAZs',
  'Cidr',
  'Length',
  'ToJsonString',
];

const longName = (n: string): string => (n === 'Ref' || n === 'Condition' ? n : `Fn::${n}`);

// !GetAtt Res.Attr is the scalar form of ["Res", "Attr"].
const scalar = (n: string, s: string): unknown => {
  if (n !== 'GetAtt') return s;
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
};

const cfnTags: Tags = FUNCTIONS.flatMap((n) => [
  { tag: `!${n}`, resolve: (s: string) => ({ [longName(n)]: scalar(n, s) }) },
  { tag: `!${n}`, collection: 'seq' as const, resolve: (s: YAMLSeq) => ({ [longName(n)]: s.toJSON() as unknown }) },
  { tag: `!${n}`, collection: 'map' as const, resolve: (m: YAMLMap) => ({ [longName(n)]: m.toJSON() as unknown }) },
]) as unknown as Tags;

/** The template as plain data; throws with the line and column of a syntax error. */
export function parseTemplate(text: string, file: string): Record<string, unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  const doc = parseDocument(text, { customTags: cfnTags, uniqueKeys: true });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    throw new Error(`${file}${at ? `:${at.line}:${at.col}` : ''}: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${file}: a template is a mapping at the top level`);
  return value as Record<string, unknown>;
}
