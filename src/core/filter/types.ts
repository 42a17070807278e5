// Shapes of the filter language: the Lambda `FilterCriteria`, the sources whose data field is decoded, and
// the validated pattern tree the compiler works from.

/** `FilterCriteria` as in CreateEventSourceMapping (FLT-1). */
export interface FilterCriteria {
  Filters?: Array<{ Pattern?: string }> | null;
}

/** How a source's data field is decoded before matching (FLT-8..10). Redis streams and memory use 'generic'. */
export type SourceKind = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'generic';
export const SOURCE_KINDS: readonly SourceKind[] = ['sqs', 'kinesis', 'dynamodb', 'kafka', 'generic'];

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
