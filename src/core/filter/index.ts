// Event filtering (spec §6, D-6), compiled once per mapping and shared by every source.
//
// Language: the event-ruler / EventBridge operator set, a superset of Lambda's. Exact strings match byte for
// byte; numbers in value lists compare by numeric value (3 matches 3.0); a rule over an array matches when any
// element does, and a nested pattern over an array of objects must match within one element. `exists` looks at
// leaves only. `anything-but` never matches a missing field. Portability warnings, not errors, for operators
// Lambda may reject.
//
// Decoding (FLT-8..10): each source says where its data field is and how it is encoded (FilterSource, from its
// connector): text or base64, JSON only or plain text too, and whether a pattern of the wrong form fails or is
// ignored. Sources without a data field are matched as they are. The data field is decoded at most once per record
// and only when some pattern addresses it.
export { createRecordFilter, RecordFilter, type RecordFilterOptions } from './record-filter.js';
export { InvalidFilterPatternError } from './filter-error.js';
// The pattern language itself (parser, validator, shapes) lives in ports/filter-pattern, which config and cli share.
export {
  validateFilterCriteria,
  DEFAULT_MAX_FILTERS,
  MAX_FILTERS_LIMIT,
  MAX_PATTERN_LENGTH,
  MAX_WILDCARDS,
  PLAIN_RECORDS,
  type ValidateOptions,
  type FilterCriteria,
  type FilterData,
  type FilterIssue,
  type FilterSource,
} from '../../ports/filter-pattern/index.js';
