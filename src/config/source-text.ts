// Stage one of config loading: the file's text → a plain value, and the line:column of any path in it. The format
// follows the extension: `.yaml`/`.yml` are YAML 1.2, anything else JSON with comments and trailing commas (JSONC),
// of which plain JSON is a subset.
import { createScanner, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Problem } from './problems.js';

/** Deeper than any real config; the later stages recurse, and a deeper value would overflow the stack. */
export const MAX_CONFIG_DEPTH = 64;

export type ConfigFormat = 'json' | 'yaml';

export function formatOf(file: string): ConfigFormat {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

export interface Position {
  line: number;
  column: number;
}

export interface SourceText {
  value?: unknown;
  /** The one problem that stopped parsing (a parse error is reported once, never with what follows from it). */
  problem?: Problem;
  /** Where the value at `path` starts (or, for `key`, that key of the object at `path`); the deepest node found. */
  locate(path: ReadonlyArray<PropertyKey>, key?: string): Position | undefined;
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A problem path such as `functions.f.Environment.Variables.A[0]` back into its segments. */
export function segmentsOf(path: string): PropertyKey[] {
  if (path.startsWith('(')) return [];
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : (m[2] ?? '')));
}

type Child<N> = (node: N, segment: PropertyKey, asKey: boolean) => N | undefined;

/** Walks as far down `path` as the document goes; a key containing dots may have been split by segmentsOf. */
function walk<N>(root: N, path: ReadonlyArray<PropertyKey>, key: string | undefined, child: Child<N>): N {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    let next = child(node, path[i]!, false);
    for (let j = i + 1; next === undefined && j < path.length && typeof path[j] === 'string'; j++) {
      next = child(node, path.slice(i, j + 1).join('.'), false);
      if (next !== undefined) i = j;
    }
    if (next === undefined) return node;
    node = next;
  }
  return key === undefined ? node : (child(node, key, true) ?? node);
}

const jsonChild: Child<Node> = (node, segment, asKey) => {
  if (node.type === 'array' && typeof segment === 'number') return node.children?.[segment];
  if (node.type !== 'object') return undefined;
  const prop = node.children?.findLast((p) => p.children?.[0]?.value === segment);
  return asKey ? prop?.children?.[0] : prop?.children?.[1];
};

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot read: its values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** The offset of the first bracket nested deeper than `max`, found by scanning (the tree parser recurses). */
function tooDeepAt(text: string, max: number): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let t: number = scanner.scan(); t !== EOF; t = scanner.scan()) {
    if (t === OPEN_BRACE || t === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) return scanner.getTokenOffset();
    } else if (t === CLOSE_BRACE || t === CLOSE_BRACKET) depth -= 1;
  }
  return undefined;
}

function tooDeep(text: string, offset: number): Problem {
  return { path: '(root)', message: `nested deeper than ${MAX_CONFIG_DEPTH} levels`, ...positionAt(text, offset) };
}

function parseJsonc(text: string): SourceText {
  const none = { locate: () => undefined };
  const deep = tooDeepAt(text, MAX_CONFIG_DEPTH);
  if (deep !== undefined) return { ...none, problem: tooDeep(text, deep) };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const reason = first === undefined ? 'empty' : printParseErrorCode(first.error);
    const message = `not valid JSON: ${reason.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase()}`;
    return { ...none, problem: { path: '(root)', message, ...positionAt(text, first?.offset ?? 0) } };
  }
  return {
    value: getNodeValue(root) as unknown,
    locate: (path, key) => positionAt(text, walk(root, path, key, jsonChild).offset),
  };
}

type YamlNode = NonNullable<Document['contents']> | { range?: [number, number, number] };

const yamlChild: Child<YamlNode> = (node, segment, asKey) => {
  if (isSeq(node) && typeof segment === 'number') return node.items[segment] as YamlNode | undefined;
  if (!isMap(node)) return undefined;
  const pair = node.items.findLast((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
  return (asKey ? pair?.key : pair?.value) as YamlNode | undefined;
};

function parseYaml(text: string): SourceText {
  const none = { locate: () => undefined };
  let doc: Document;
  let value: unknown;
  try {
    doc = parseDocument(text, { prettyErrors: false });
    const first = doc.errors[0];
    // The YAML composer recurses, and reports a pathological nesting as a stack overflow.
    if (first !== undefined && /call stack/i.test(first.message))
      return { ...none, problem: tooDeep(text, first.pos[0]) };
    if (first !== undefined)
      return {
        ...none,
        problem: { path: '(root)', message: `not valid YAML: ${first.message}`, ...positionAt(text, first.pos[0]) },
      };
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof RangeError) return { ...none, problem: tooDeep(text, 0) };
    return { ...none, problem: { path: '(root)', message: `not valid YAML: ${(err as Error).message}` } };
  }
  const root = doc.contents as YamlNode | null;
  return {
    value,
    locate: (path, key) => {
      const node = root === null ? undefined : walk(root, path, key, yamlChild);
      return positionAt(text, node?.range?.[0] ?? 0);
    },
  };
}

export function parseSourceText(text: string, format: ConfigFormat): SourceText {
  return format === 'yaml' ? parseYaml(text) : parseJsonc(text);
}
