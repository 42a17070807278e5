// Compile a leaf rule array into one predicate over the value found at its path. Exact values go into sets
// (OR within a value list, FLT-2); numbers compare by numeric value (D-6); `exists` looks at leaves only (FLT-7).
import { cidrMatches, parseCidr } from '../../ports/filter-pattern/cidr.js';
import type { Rule, Scalar } from '../../ports/filter-pattern/types.js';
import { matchWildcard, parseWildcard } from '../../ports/filter-pattern/wildcard.js';

type ScalarPredicate = (v: Scalar) => boolean;
type StringPredicate = (s: string) => boolean;
type NumberPredicate = (n: number) => boolean;

/** Predicate over the value at a path: undefined (missing), a leaf, an object (not a leaf) or an array. */
export type LeafMatcher = (value: unknown) => boolean;

const NONE = 0;
const LEAVES = 1;
const MATCH = 2;

export function compileRules(rules: readonly Rule[]): LeafMatcher {
  const existsTrue = rules.some((r) => r.type === 'exists' && r.value);
  const existsFalse = rules.some((r) => r.type === 'exists' && !r.value);
  const valueRules = rules.filter((r) => r.type !== 'exists');
  const scalar: ScalarPredicate = valueRules.length > 0 ? compileScalarRules(valueRules) : () => false;

  // Any element of an array may match (FLT-6); nested arrays are flattened, objects inside are not leaves.
  const scan = (arr: readonly unknown[]): number => {
    let state = NONE;
    for (const el of arr) {
      if (Array.isArray(el)) {
        const s = scan(el);
        if (s === MATCH) return MATCH;
        if (s === LEAVES) state = LEAVES;
      } else if (el === null || typeof el !== 'object') {
        if (el === undefined) continue;
        if (existsTrue || scalar(el as Scalar)) return MATCH;
        state = LEAVES;
      }
    }
    return state;
  };

  return (v) => {
    if (v === undefined) return existsFalse;
    if (v === null || typeof v !== 'object') return existsTrue || scalar(v as Scalar);
    if (Array.isArray(v)) {
      const s = scan(v);
      return s === MATCH || (s === NONE && existsFalse);
    }
    return existsFalse;
  };
}

/** OR of value rules (everything but `exists`) over one leaf value. */
export function compileScalarRules(rules: readonly Rule[]): ScalarPredicate {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  let matchTrue = false;
  let matchFalse = false;
  let matchNull = false;
  const stringPreds: StringPredicate[] = [];
  const numberPreds: NumberPredicate[] = [];
  const anyPreds: ScalarPredicate[] = [];

  for (const r of rules) {
    switch (r.type) {
      case 'equals':
        if (typeof r.value === 'string') strings.add(r.value);
        else if (typeof r.value === 'number') numbers.add(r.value);
        else if (r.value === true) matchTrue = true;
        else if (r.value === false) matchFalse = true;
        else matchNull = true;
        break;
      case 'equals-ignore-case': {
        const lower = r.value.toLowerCase();
        stringPreds.push((s) => s.toLowerCase() === lower);
        break;
      }
      case 'prefix':
      case 'suffix':
        stringPreds.push(affixPredicate(r.type, r.value, r.ignoreCase));
        break;
      case 'wildcard': {
        const p = parseWildcard(r.value);
        if (typeof p === 'string') throw new Error(`unvalidated wildcard: ${p}`);
        stringPreds.push((s) => matchWildcard(p, s));
        break;
      }
      case 'cidr': {
        const range = parseCidr(r.value);
        if (typeof range === 'string') throw new Error(`unvalidated cidr: ${range}`);
        stringPreds.push((s) => cidrMatches(range, s));
        break;
      }
      case 'numeric':
        numberPreds.push(numericPredicate(r));
        break;
      case 'anything-but': {
        // Any leaf that the inner rules do not match, whatever its type (a number is "anything but" "x").
        const inner = compileScalarRules(r.inner);
        anyPreds.push((v) => !inner(v));
        break;
      }
      case 'exists':
        break;
    }
  }

  const simple = stringPreds.length === 0 && numberPreds.length === 0 && anyPreds.length === 0;
  if (simple) {
    return (v) => {
      switch (typeof v) {
        case 'string':
          return strings.has(v);
        case 'number':
          return numbers.has(v);
        case 'boolean':
          return v ? matchTrue : matchFalse;
        default:
          return v === null && matchNull;
      }
    };
  }
  return (v) => {
    switch (typeof v) {
      case 'string':
        if (strings.has(v)) return true;
        for (const p of stringPreds) if (p(v)) return true;
        break;
      case 'number':
        if (numbers.has(v)) return true;
        for (const p of numberPreds) if (p(v)) return true;
        break;
      case 'boolean':
        if (v ? matchTrue : matchFalse) return true;
        break;
      default:
        if (v === null && matchNull) return true;
    }
    for (const p of anyPreds) if (p(v)) return true;
    return false;
  };
}

function affixPredicate(type: 'prefix' | 'suffix', value: string, ignoreCase: boolean): StringPredicate {
  if (!ignoreCase) return type === 'prefix' ? (s) => s.startsWith(value) : (s) => s.endsWith(value);
  const lower = value.toLowerCase();
  return type === 'prefix' ? (s) => s.toLowerCase().startsWith(lower) : (s) => s.toLowerCase().endsWith(lower);
}

function numericPredicate(r: Extract<Rule, { type: 'numeric' }>): NumberPredicate {
  const { lower, upper } = r;
  if (lower && upper && lower.value === upper.value) return (n) => n === lower.value;
  const lo = lower?.value ?? -Infinity;
  const hi = upper?.value ?? Infinity;
  const loInc = lower?.inclusive ?? true;
  const hiInc = upper?.inclusive ?? true;
  return (n) => (loInc ? n >= lo : n > lo) && (hiInc ? n <= hi : n < hi);
}
