import { LambdaApiError } from '../../ports/errors.js';
import type { FilterIssue } from '../../ports/filter-pattern/types.js';

/**
 * A filter pattern that cannot be used (FLT-12). It is a LambdaApiError so the HTTP API answers with
 * `InvalidParameterValueException` (400) without a special case; `issues` lists every problem found.
 */
export class InvalidFilterPatternError extends LambdaApiError {
  /** Index in `FilterCriteria.Filters` of the first error, when the error is inside one filter. */
  readonly filterIndex: number | undefined;
  readonly path: string;
  readonly reason: string;
  readonly issues: FilterIssue[];

  constructor(first: FilterIssue, issues: FilterIssue[]) {
    super('InvalidParameterValueException', 400, `Invalid filter pattern at ${first.path}: ${first.message}`);
    this.filterIndex = filterIndexOf(first.path);
    this.path = first.path;
    this.reason = first.message;
    this.issues = issues;
  }
}

function filterIndexOf(path: string): number | undefined {
  const m = /^FilterCriteria\.Filters\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : undefined;
}
