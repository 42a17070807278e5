// Check a whole FilterCriteria (FLT-1, FLT-12): shape, filter count, and every pattern, with JSON paths the
// config loader can show next to its own.
import { parsePattern } from './parse-pattern.js';
import { pathIndex, pathKey } from './pattern-path.js';
import type { FilterIssue, FilterSource, PatternNode } from './types.js';

export const DEFAULT_MAX_FILTERS = 5;
/** AWS raises the quota to at most 10 filters per mapping. */
export const MAX_FILTERS_LIMIT = 10;

export interface ValidateOptions {
  /** Filters allowed per mapping: 5 by default, at most 10. */
  maxFilters?: number;
  /** Adds the source's decoding rules (a Kinesis `data` pattern must be an object, FLT-9). */
  source?: FilterSource;
}

export interface AnalyzedCriteria {
  issues: FilterIssue[];
  /** One node per filter, in order; empty when any error was found. */
  patterns: PatternNode[];
}

const ROOT = 'FilterCriteria';

export function analyzeCriteria(criteria: unknown, options: ValidateOptions = {}): AnalyzedCriteria {
  const maxFilters = options.maxFilters ?? DEFAULT_MAX_FILTERS;
  if (!Number.isInteger(maxFilters) || maxFilters < 1 || maxFilters > MAX_FILTERS_LIMIT) {
    throw new RangeError(`maxFilters must be an integer from 1 to ${MAX_FILTERS_LIMIT}, got ${maxFilters}`);
  }
  const issues: FilterIssue[] = [];
  const patterns: PatternNode[] = [];
  const err = (path: string, message: string) => issues.push({ path, message, severity: 'error' });

  if (criteria === undefined || criteria === null) return { issues, patterns };
  if (typeof criteria !== 'object' || Array.isArray(criteria)) {
    err(ROOT, 'must be an object such as {"Filters": [{"Pattern": "..."}]}');
    return { issues, patterns };
  }
  for (const key of Object.keys(criteria)) {
    if (key !== 'Filters') err(pathKey(ROOT, key), 'unknown field; FilterCriteria has only "Filters"');
  }
  const filters = (criteria as { Filters?: unknown }).Filters;
  const filtersPath = pathKey(ROOT, 'Filters');
  if (filters === undefined || filters === null) return { issues, patterns };
  if (!Array.isArray(filters)) {
    err(filtersPath, 'must be an array of {"Pattern": "<JSON string>"}');
    return { issues, patterns };
  }
  if (filters.length > maxFilters) {
    err(filtersPath, `${filters.length} filters; at most ${maxFilters} are allowed per mapping`);
  }
  filters.forEach((filter: unknown, i) => {
    const at = pathIndex(filtersPath, i);
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
      err(at, 'must be an object {"Pattern": "<JSON string>"}');
      return;
    }
    for (const key of Object.keys(filter)) {
      if (key !== 'Pattern') err(pathKey(at, key), 'unknown field; a filter has only "Pattern"');
    }
    const pattern = (filter as { Pattern?: unknown }).Pattern;
    const patternPath = pathKey(at, 'Pattern');
    if (typeof pattern !== 'string') {
      err(patternPath, 'must be a string holding a JSON pattern');
      return;
    }
    const parsed = parsePattern(pattern, patternPath, options.source);
    issues.push(...parsed.issues);
    if (parsed.node) patterns.push(parsed.node);
  });
  return { issues, patterns: issues.some((i) => i.severity === 'error') ? [] : patterns };
}

/** Every problem in a FilterCriteria, errors and portability warnings, for the config loader and the API. */
export function validateFilterCriteria(criteria: unknown, options: ValidateOptions = {}): FilterIssue[] {
  return analyzeCriteria(criteria, options).issues;
}
