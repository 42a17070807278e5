// Where each source keeps its data field in the record, as seen from a pattern (FLT-4, FLT-8..10).
// Kinesis patterns address the inner `kinesis` object's fields (`data`, `partitionKey`) at the top level, as
// Lambda documents; `kinesis.data` is accepted too.
import type { SourceKind } from './types.js';

/** Where a pattern object sits: the record root, the Kinesis inner object, or anywhere else. */
export type PatternContext = 'root' | 'kinesis' | 'other';

export function isDataField(kind: SourceKind, ctx: PatternContext, key: string): boolean {
  switch (kind) {
    case 'sqs':
      return ctx === 'root' && key === 'body';
    case 'kinesis':
      return (ctx === 'root' || ctx === 'kinesis') && key === 'data';
    case 'kafka':
      return ctx === 'root' && key === 'value';
    default:
      return false;
  }
}

export function childContext(kind: SourceKind, ctx: PatternContext, key: string): PatternContext {
  return kind === 'kinesis' && ctx === 'root' && key === 'kinesis' ? 'kinesis' : 'other';
}
