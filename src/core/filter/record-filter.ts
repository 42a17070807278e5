// The compiled filter of one mapping: built once, then `matches` per record (FLT-2, FLT-3).
import { compilePattern, usesDataField, type BodyMatcher, type MatchContext } from './compile-pattern.js';
import { InvalidFilterPatternError } from './filter-error.js';
import { checkFilterSource, type FilterCriteria, type FilterSource } from '../../ports/filter-pattern/types.js';
import { analyzeCriteria, type ValidateOptions } from '../../ports/filter-pattern/validate-criteria.js';

export interface RecordFilterOptions {
  /** Filters allowed per mapping: 5 by default, at most 10. */
  maxFilters?: number;
}

export class RecordFilter {
  /** True when there is no filter: every record matches. */
  readonly matchesEverything: boolean;

  private constructor(
    readonly source: FilterSource,
    private readonly patterns: readonly BodyMatcher[],
    private readonly decodes: boolean,
  ) {
    this.matchesEverything = patterns.length === 0;
  }

  /** Validate and compile; throws InvalidFilterPatternError naming the filter and path of the first error. */
  static compile(
    criteria: FilterCriteria | null | undefined,
    source: FilterSource,
    options: RecordFilterOptions = {},
  ): RecordFilter {
    checkFilterSource(source);
    const validateOptions: ValidateOptions = { source };
    if (options.maxFilters !== undefined) validateOptions.maxFilters = options.maxFilters;
    const { issues, patterns } = analyzeCriteria(criteria, validateOptions);
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors[0]) throw new InvalidFilterPatternError(errors[0], errors);
    const decodes = patterns.some((p) => usesDataField(p, source));
    return new RecordFilter(
      source,
      patterns.map((p) => compilePattern(p, source)),
      decodes,
    );
  }

  /** True when any filter matches the record (the Lambda-shaped record of §5 / §4.1). */
  matches(record: unknown): boolean {
    const n = this.patterns.length;
    if (n === 0) return true;
    const obj = typeof record === 'object' && record !== null && !Array.isArray(record) ? record : {};
    const ctx: MatchContext = this.decodes ? { record: obj as Record<string, unknown>, decoded: undefined } : NO_DECODE;
    for (let i = 0; i < n; i++) if ((this.patterns[i] as BodyMatcher)(obj as Record<string, unknown>, ctx)) return true;
    return false;
  }
}

/** Shared context when no pattern reads the data field: nothing is ever decoded through it. */
const NO_DECODE: MatchContext = Object.freeze({ record: {}, decoded: undefined });

/**
 * Compile a mapping's FilterCriteria for a source. No criteria or no filters match everything.
 * Throws InvalidFilterPatternError for an invalid pattern.
 */
export function createRecordFilter(
  filterCriteria: FilterCriteria | null | undefined,
  source: FilterSource,
  options: RecordFilterOptions = {},
): (record: unknown) => boolean {
  const filter = RecordFilter.compile(filterCriteria, source, options);
  return (record) => filter.matches(record);
}
