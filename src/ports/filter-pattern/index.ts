// The filter pattern language (spec §6, FLT-1..12): its shapes, the parser that turns a pattern into a PatternNode
// tree, and the FilterCriteria validator. Pure and broker-free, so config and cli check patterns without core;
// core/filter compiles the parsed tree into a matcher.
export {
  analyzeCriteria,
  validateFilterCriteria,
  DEFAULT_MAX_FILTERS,
  MAX_FILTERS_LIMIT,
  type AnalyzedCriteria,
  type ValidateOptions,
} from './validate-criteria.js';
export { MAX_PATTERN_LENGTH } from './parse-pattern.js';
export { MAX_WILDCARDS } from './wildcard.js';
export {
  checkFilterSource,
  PLAIN_RECORDS,
  type FieldNode,
  type FilterCriteria,
  type FilterData,
  type FilterIssue,
  type FilterSource,
  type PatternNode,
  type Rule,
  type Scalar,
} from './types.js';
