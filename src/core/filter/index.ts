export { createRecordFilter, RecordFilter, type RecordFilterOptions } from './record-filter.js';
export { InvalidFilterPatternError } from './filter-error.js';
export {
  validateFilterCriteria,
  DEFAULT_MAX_FILTERS,
  MAX_FILTERS_LIMIT,
  type ValidateOptions,
} from './validate-criteria.js';
export { MAX_PATTERN_LENGTH } from './parse-pattern.js';
export { SOURCE_KINDS, type FilterCriteria, type FilterIssue, type SourceKind } from './types.js';
