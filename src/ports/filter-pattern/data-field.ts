// Where a source keeps its data field in the record, as seen from a pattern (FLT-4, FLT-8..10). A data field two
// keys deep (`kinesis.data`) is also addressed at the root with the other fields of the object it is in, as Lambda
// documents for Kinesis (`data`, `partitionKey`).
import type { FilterSource } from './types.js';

/** Where a pattern object sits: the record root, the object that holds the data field, or anywhere else. */
export type PatternContext = 'root' | 'container' | 'other';

export function isDataField(source: FilterSource, ctx: PatternContext, key: string): boolean {
  const path = source.data?.path;
  if (path === undefined || key !== path[path.length - 1]) return false;
  return ctx === 'root' || (ctx === 'container' && path.length === 2);
}

export function childContext(source: FilterSource, ctx: PatternContext, key: string): PatternContext {
  const path = source.data?.path;
  return ctx === 'root' && path?.length === 2 && key === path[0] ? 'container' : 'other';
}

/** The key of the object that holds the data field when its fields are addressed at the root too. */
export const containerKey = (source: FilterSource): string | undefined =>
  source.data?.path.length === 2 ? source.data.path[0] : undefined;
