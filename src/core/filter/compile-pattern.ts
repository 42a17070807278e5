// Compile a validated PatternNode into closures, once per mapping. Fields are ANDed, `$or` branches ORed;
// a nested pattern over an array must match within one element (array-consistent, as event-ruler).
import { compileRules, type LeafMatcher } from './compile-rules.js';
import { childContext, containerKey, isDataField, type PatternContext } from '../../ports/filter-pattern/data-field.js';
import { decodeData, type Decoded } from './decode.js';
import type { FilterData, FilterSource, PatternNode, Rule } from '../../ports/filter-pattern/types.js';

type Obj = Record<string, unknown>;

/** Per-record state: the record and its data field, decoded at most once. */
export interface MatchContext {
  record: Obj;
  decoded: Decoded | undefined;
}

/** Matches a pattern object against an object (undefined when the value there is not an object). */
export type BodyMatcher = (o: Obj | undefined, ctx: MatchContext) => boolean;
type ValueMatcher = (v: unknown, ctx: MatchContext) => boolean;
type FieldMatcher = (o: Obj | undefined, ctx: MatchContext) => boolean;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `key`; when the object has no such key, event keys with dots ("a.b") count as the nested path. */
const ownGet = (o: Obj | undefined, key: string): unknown => {
  if (o === undefined) return undefined;
  return Object.hasOwn(o, key) ? o[key] : dottedChild(o, key);
};

/** {"a.b": 1, "a.c.d": 2} seen at "a" is {"b": 1, "c.d": 2}: event-ruler flattens "a.b" and a→b alike. */
function dottedChild(o: Obj, key: string): Obj | undefined {
  const prefix = `${key}.`;
  let child: Obj | undefined;
  for (const k in o) if (k.startsWith(prefix) && Object.hasOwn(o, k)) (child ??= {})[k.slice(prefix.length)] = o[k];
  return child;
}

/** At the root, fields of the object that holds the data field (Kinesis' `kinesis`) come first, then the record's. */
const containerRootGet =
  (container: string) =>
  (o: Obj | undefined, key: string): unknown => {
    const inner = ownGet(o, container);
    return isObj(inner) && Object.hasOwn(inner, key) ? inner[key] : ownGet(o, key);
  };

export function compilePattern(node: PatternNode, kind: FilterSource): BodyMatcher {
  return compileBody(node, kind, 'root');
}

/** True when the pattern addresses the source's data field anywhere (so records need decoding). */
export function usesDataField(node: PatternNode, kind: FilterSource, ctx: PatternContext = 'root'): boolean {
  return (
    node.fields.some(
      (f) =>
        isDataField(kind, ctx, f.key) ||
        (!Array.isArray(f.value) && usesDataField(f.value, kind, childContext(kind, ctx, f.key))),
    ) || node.ors.some((g) => g.some((b) => usesDataField(b, kind, ctx)))
  );
}

function compileBody(node: PatternNode, kind: FilterSource, pctx: PatternContext): BodyMatcher {
  const container = containerKey(kind);
  const get = container !== undefined && pctx === 'root' ? containerRootGet(container) : ownGet;
  const fields: FieldMatcher[] = node.fields.map(({ key, value }) => {
    if (kind.data !== undefined && isDataField(kind, pctx, key)) return compileDataField(kind, kind.data, value);
    if (Array.isArray(value)) {
      const leaf = compileRules(value);
      return (o) => leaf(get(o, key));
    }
    const nested = compileNested(value, kind, childContext(kind, pctx, key));
    return (o, ctx) => nested(get(o, key), ctx);
  });
  const ors: BodyMatcher[][] = node.ors.map((g) => g.map((b) => compileBody(b, kind, pctx)));

  if (ors.length === 0 && fields.length === 1) return fields[0] as FieldMatcher;
  return (o, ctx) => {
    for (const f of fields) if (!f(o, ctx)) return false;
    for (const g of ors) if (!g.some((b) => b(o, ctx))) return false;
    return true;
  };
}

function compileNested(node: PatternNode, kind: FilterSource, pctx: PatternContext): ValueMatcher {
  const body = compileBody(node, kind, pctx);
  const anyElement = (arr: readonly unknown[], ctx: MatchContext): boolean => {
    for (const el of arr) {
      if (Array.isArray(el) ? anyElement(el, ctx) : body(isObj(el) ? el : undefined, ctx)) return true;
    }
    return false;
  };
  return (v, ctx) => {
    if (Array.isArray(v)) return v.length === 0 ? body(undefined, ctx) : anyElement(v, ctx);
    return body(isObj(v) ? v : undefined, ctx);
  };
}

/**
 * The data field: the drop table of FLT-8 (SQS), FLT-9 (Kinesis) and FLT-10 (Kafka). A mismatch between the
 * form of the data and the form of its pattern fails this pattern (SQS, Kinesis) or ignores the data rule (Kafka).
 */
function compileDataField(kind: FilterSource, data: FilterData, value: PatternNode | Rule[]): FieldMatcher {
  const decoded = (ctx: MatchContext): Decoded => (ctx.decoded ??= decodeData(data, ctx.record));
  const ignoreMismatch = data.mismatch === 'ignore';
  if (Array.isArray(value)) {
    const leaf: LeafMatcher = compileRules(value);
    return (_o, ctx) => {
      const d = decoded(ctx);
      if (d.form === 'plain' || d.form === 'absent') return leaf(d.value);
      return ignoreMismatch;
    };
  }
  const nested = compileNested(value, kind, 'other');
  return (_o, ctx) => {
    const d = decoded(ctx);
    if (d.form === 'json') return nested(d.value, ctx);
    if (d.form === 'absent') return ignoreMismatch ? nested(d.value, ctx) : false;
    return ignoreMismatch;
  };
}
