// Shapes of the filter language: the Lambda `FilterCriteria`, how a source's data field is reached, and
// the validated pattern tree the compiler works from.
import type { FilterSource } from '../filter-source.js';

export type { FilterData, FilterSource } from '../filter-source.js';
export { PLAIN_RECORDS } from '../filter-source.js';

/** `FilterCriteria` as in CreateEventSourceMapping (FLT-1). */
export interface FilterCriteria {
  Filters?: Array<{ Pattern?: string }> | null;
}

/** Throws a TypeError for a FilterSource the engine cannot read (a bad path, encoding or mode). */
export function checkFilterSource(source: FilterSource): void {
  const d = source.data;
  if (d === undefined) return;
  const ok =
    (d.path.length === 1 || d.path.length === 2) &&
    d.path.every((k) => typeof k === 'string' && k !== '') &&
    (d.encoding === 'text' || d.encoding === 'base64') &&
    (d.form === 'json' || d.form === 'text') &&
    (d.mismatch === 'fail' || d.mismatch === 'ignore');
  if (!ok) throw new TypeError(`unusable filter data of source ${source.label}: ${JSON.stringify(d)}`);
}

export interface FilterIssue {
  /** JSON path, e.g. `FilterCriteria.Filters[2].Pattern.body.price[0].numeric`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export type Scalar = string | number | boolean | null;

/** One element of a leaf rule array, after validation. */
export type Rule =
  | { type: 'equals'; value: Scalar }
  | { type: 'equals-ignore-case'; value: string }
  | { type: 'prefix'; value: string; ignoreCase: boolean }
  | { type: 'suffix'; value: string; ignoreCase: boolean }
  | { type: 'wildcard'; value: string }
  | { type: 'numeric'; lower?: { value: number; inclusive: boolean }; upper?: { value: number; inclusive: boolean } }
  | { type: 'exists'; value: boolean }
  | { type: 'cidr'; value: string }
  | { type: 'anything-but'; inner: Rule[] };

/** A pattern object: fields are ANDed, each `$or` group needs one of its branches (FLT-2). */
export interface PatternNode {
  fields: FieldNode[];
  ors: PatternNode[][];
}

export interface FieldNode {
  key: string;
  value: PatternNode | Rule[];
}
