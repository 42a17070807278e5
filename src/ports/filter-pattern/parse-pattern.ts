// Validate one filter pattern and turn it into a PatternNode tree, collecting every problem with its path
// (FLT-12). Operators AWS Lambda may reject are accepted with a warning (D-6).
import { parseCidr } from './cidr.js';
import { childContext, isDataField, type PatternContext } from './data-field.js';
import { pathIndex, pathKey } from './pattern-path.js';
import {
  PLAIN_RECORDS,
  type FieldNode,
  type FilterIssue,
  type FilterSource,
  type PatternNode,
  type Rule,
} from './types.js';
import { parseWildcard } from './wildcard.js';

export const MAX_PATTERN_LENGTH = 4096;
/** event-ruler's numeric range; values outside it are accepted here but AWS rejects them. */
const AWS_NUMERIC_LIMIT = 5e9;
const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];
const NOT_IN_LAMBDA = 'AWS Lambda may reject this operator (sluice accepts it, D-6)';

export interface ParsedPattern {
  node: PatternNode | undefined;
  issues: FilterIssue[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse and validate a pattern string; `node` is set only when there is no error. */
export function parsePattern(text: string, path: string, kind: FilterSource = PLAIN_RECORDS): ParsedPattern {
  const issues: FilterIssue[] = [];
  if (text.length > MAX_PATTERN_LENGTH) {
    issues.push(error(path, `pattern is ${text.length} characters; the limit is ${MAX_PATTERN_LENGTH}`));
    return { node: undefined, issues };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    issues.push(error(path, `pattern is not valid JSON: ${(e as Error).message}`));
    return { node: undefined, issues };
  }
  if (!isObject(json)) {
    issues.push(error(path, 'pattern must be a JSON object'));
    return { node: undefined, issues };
  }
  const p = new PatternParser(kind, issues);
  const node = p.object(json, path, 'root');
  return { node: issues.some((i) => i.severity === 'error') ? undefined : node, issues };
}

/** "a.b.c": v → ["a", {"b": {"c": v}}]; keys with an empty segment ("a..b", ".a") stay as they are. */
function nestDotted(key: string, value: Json): [string, Json] {
  const parts = key.split('.');
  if (parts.length === 1 || parts.some((p) => p === '')) return [key, value];
  let nested = value;
  for (let i = parts.length - 1; i > 0; i--) nested = { [parts[i] as string]: nested };
  return [parts[0] as string, nested];
}

function error(path: string, message: string): FilterIssue {
  return { path, message, severity: 'error' };
}

class PatternParser {
  constructor(
    private readonly kind: FilterSource,
    private readonly issues: FilterIssue[],
  ) {}

  private err(path: string, message: string): undefined {
    this.issues.push(error(path, message));
    return undefined;
  }

  private warn(path: string, message: string): void {
    this.issues.push({ path, message, severity: 'warning' });
  }

  object(obj: Record<string, Json>, path: string, ctx: PatternContext): PatternNode {
    const node: PatternNode = { fields: [], ors: [] };
    const keys = Object.keys(obj);
    if (keys.length === 0) this.err(path, 'a pattern object must have at least one field');
    for (const dotted of keys) {
      // A dotted key is the nested path, as in event-ruler: {"a.b": v} is {"a": {"b": v}}.
      const [key, value] = nestDotted(dotted, obj[dotted] as Json);
      const at = pathKey(path, key);
      // `$or` with an object value is an ordinary field name, as in event-ruler.
      if (key === '$or' && Array.isArray(value)) {
        const branches = this.or(value, at, ctx);
        if (branches) node.ors.push(branches);
      } else if (Array.isArray(value)) {
        if (isDataField(this.kind, ctx, key) && this.kind.data?.form === 'json') {
          this.err(
            at,
            `${this.kind.label} data is matched as JSON: its pattern must be an object, not a rule array (FLT-9)`,
          );
          continue;
        }
        const rules = this.rules(value, at);
        if (rules) node.fields.push({ key, value: rules } satisfies FieldNode);
        const asStrings = this.kind.numbersAsStrings;
        if (rules && key === asStrings && rules.some((r) => r.type === 'numeric')) {
          this.warn(
            at,
            `${this.kind.label} numbers arrive as strings ({"${asStrings}": "123"}), so "numeric" never matches them; use ["123"]`,
          );
        }
      } else if (isObject(value)) {
        node.fields.push({ key, value: this.object(value, at, childContext(this.kind, ctx, key)) });
      } else {
        const hint = OPERATORS.includes(key) ? ` (operators go inside a rule array: [{"${key}": ...}])` : '';
        this.err(at, `must be an array of values or a nested pattern object${hint}`);
      }
    }
    return node;
  }

  private or(value: Json[], path: string, ctx: PatternContext): PatternNode[] | undefined {
    if (value.length < 2) return this.err(path, '"$or" needs at least two patterns');
    const branches: PatternNode[] = [];
    value.forEach((b, i) => {
      if (isObject(b)) branches.push(this.object(b, pathIndex(path, i), ctx));
      else this.err(pathIndex(path, i), 'each "$or" branch must be a pattern object');
    });
    return branches;
  }

  private rules(values: Json[], path: string): Rule[] | undefined {
    if (values.length === 0) return this.err(path, 'a rule array must not be empty');
    const rules: Rule[] = [];
    values.forEach((v, i) => {
      const r = this.rule(v, pathIndex(path, i));
      if (r) rules.push(r);
    });
    return rules;
  }

  private rule(v: Json, path: string): Rule | undefined {
    if (v === null || typeof v !== 'object') return { type: 'equals', value: v };
    if (Array.isArray(v)) return this.err(path, 'nested arrays are not allowed in a rule array');
    const keys = Object.keys(v);
    const op = keys[0];
    if (keys.length !== 1 || op === undefined) {
      return this.err(path, `an operator object must have exactly one key, one of: ${OPERATORS.join(', ')}`);
    }
    const arg = v[op] as Json;
    const at = pathKey(path, op);
    switch (op) {
      case 'prefix':
      case 'suffix':
        return this.affix(op, arg, at);
      case 'equals-ignore-case':
        return typeof arg === 'string'
          ? { type: 'equals-ignore-case', value: arg }
          : this.err(at, '"equals-ignore-case" takes a string');
      case 'wildcard':
        return this.wildcard(arg, at);
      case 'anything-but':
        return this.anythingBut(arg, at);
      case 'numeric':
        return this.numeric(arg, at);
      case 'exists':
        return typeof arg === 'boolean' ? { type: 'exists', value: arg } : this.err(at, '"exists" takes true or false');
      case 'cidr': {
        if (typeof arg !== 'string') return this.err(at, '"cidr" takes a string such as "10.0.0.0/24"');
        const range = parseCidr(arg);
        if (typeof range === 'string') return this.err(at, `bad CIDR "${arg}": ${range}`);
        this.warn(at, `"cidr": ${NOT_IN_LAMBDA}`);
        return { type: 'cidr', value: arg };
      }
      default:
        return this.err(at, `unknown operator "${op}"; known operators: ${OPERATORS.join(', ')}`);
    }
  }

  private affix(op: 'prefix' | 'suffix', arg: Json, at: string): Rule | undefined {
    if (typeof arg === 'string') return { type: op, value: arg, ignoreCase: false };
    if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
      this.warn(at, `"${op}" with "equals-ignore-case": ${NOT_IN_LAMBDA}`);
      return { type: op, value: arg['equals-ignore-case'], ignoreCase: true };
    }
    return this.err(at, `"${op}" takes a string or {"equals-ignore-case": "<string>"}`);
  }

  private wildcard(arg: Json, at: string): Rule | undefined {
    if (typeof arg !== 'string') return this.err(at, '"wildcard" takes a string');
    const parsed = parseWildcard(arg);
    if (typeof parsed === 'string') return this.err(at, `bad wildcard "${arg}": ${parsed}`);
    this.warn(at, `"wildcard": ${NOT_IN_LAMBDA}`);
    return { type: 'wildcard', value: arg };
  }

  private anythingBut(arg: Json, at: string): Rule | undefined {
    const usage =
      '"anything-but" takes a string, a number, a list of only strings or only numbers, or one of ' +
      '{"prefix"|"suffix"|"equals-ignore-case"|"wildcard": ...}';
    if (typeof arg === 'string' || typeof arg === 'number') {
      return { type: 'anything-but', inner: [{ type: 'equals', value: arg }] };
    }
    if (Array.isArray(arg)) {
      if (arg.length === 0) return this.err(at, '"anything-but" list must not be empty');
      const allStrings = arg.every((x) => typeof x === 'string');
      const allNumbers = arg.every((x) => typeof x === 'number');
      if (!allStrings && !allNumbers) return this.err(at, '"anything-but" list must hold only strings or only numbers');
      return { type: 'anything-but', inner: arg.map((x) => ({ type: 'equals', value: x })) };
    }
    if (!isObject(arg)) return this.err(at, usage);
    const keys = Object.keys(arg);
    const op = keys[0];
    if (keys.length !== 1 || op === undefined) return this.err(at, usage);
    const inner = arg[op] as Json;
    const innerAt = pathKey(at, op);
    const values = Array.isArray(inner) ? inner : [inner];
    if (values.length === 0 || !values.every((x) => typeof x === 'string')) {
      return this.err(innerAt, `"anything-but" "${op}" takes a string or a non-empty list of strings`);
    }
    const rules: Rule[] = [];
    for (const s of values) {
      switch (op) {
        case 'prefix':
        case 'suffix':
          if (s === '') return this.err(innerAt, `"anything-but" "${op}" must not be empty`);
          rules.push({ type: op, value: s, ignoreCase: false });
          break;
        case 'equals-ignore-case':
          rules.push({ type: 'equals-ignore-case', value: s });
          break;
        case 'wildcard': {
          const parsed = parseWildcard(s);
          if (typeof parsed === 'string') return this.err(innerAt, `bad wildcard "${s}": ${parsed}`);
          rules.push({ type: 'wildcard', value: s });
          break;
        }
        default:
          return this.err(innerAt, usage);
      }
    }
    this.warn(innerAt, `"anything-but" with "${op}": ${NOT_IN_LAMBDA}`);
    return { type: 'anything-but', inner: rules };
  }

  private numeric(arg: Json, at: string): Rule | undefined {
    const usage = '"numeric" takes ["<op>", <number>] or a range [">"|">=", <number>, "<"|"<=", <number>]';
    if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) return this.err(at, usage);
    const rule: Extract<Rule, { type: 'numeric' }> = { type: 'numeric' };
    for (let i = 0; i < arg.length; i += 2) {
      const op = arg[i];
      const value = arg[i + 1];
      if (typeof value !== 'number') return this.err(pathIndex(at, i + 1), 'a numeric bound must be a JSON number');
      if (Math.abs(value) > AWS_NUMERIC_LIMIT) {
        this.warn(pathIndex(at, i + 1), `AWS limits numeric matching to -5e9..5e9; ${value} is outside it`);
      }
      if (op === '=') {
        if (arg.length !== 2) return this.err(pathIndex(at, i), '"=" cannot be combined with other bounds');
        rule.lower = rule.upper = { value, inclusive: true };
      } else if (op === '>' || op === '>=') {
        if (rule.lower) return this.err(pathIndex(at, i), 'a range has at most one lower bound');
        // event-ruler reads a range lower bound first: ["<", 10, ">", 0] is an invalid pattern there.
        if (rule.upper) return this.err(pathIndex(at, i), 'a numeric range gives its lower bound (">" or ">=") first');
        rule.lower = { value, inclusive: op === '>=' };
      } else if (op === '<' || op === '<=') {
        if (rule.upper) return this.err(pathIndex(at, i), 'a range has at most one upper bound');
        rule.upper = { value, inclusive: op === '<=' };
      } else {
        return this.err(pathIndex(at, i), `unknown numeric operator ${JSON.stringify(op)}; use =, <, <=, >, >=`);
      }
    }
    if (arg.length === 4 && rule.lower && rule.upper && rule.lower.value >= rule.upper.value) {
      return this.err(at, 'the lower bound of a numeric range must be less than its upper bound');
    }
    return rule;
  }
}
