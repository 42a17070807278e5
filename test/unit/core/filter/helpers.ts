import { expect } from 'vitest';
import { filterSources } from '../../../../src/config/addresses.js';
import {
  createRecordFilter,
  PLAIN_RECORDS,
  validateFilterCriteria,
  type FilterIssue,
  type FilterSource,
} from '../../../../src/index.js';

/** The sources the filter tests name: the connectors' own descriptions, and records matched as they are. */
export type SourceKind = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'generic';

export function sourceOf(kind: SourceKind): FilterSource {
  const source = kind === 'generic' ? PLAIN_RECORDS : filterSources().get(kind);
  if (source === undefined) throw new Error(`no connector ${kind} with a filter`);
  return source;
}

const text = (p: unknown): string => (typeof p === 'string' ? p : JSON.stringify(p));

/** Does one pattern match the record for the source kind? */
export function matches(pattern: unknown, record: unknown, kind: SourceKind = 'generic'): boolean {
  return createRecordFilter({ Filters: [{ Pattern: text(pattern) }] }, sourceOf(kind))(record);
}

/** Issues for one pattern, as the config loader would see them. */
export function issuesOf(pattern: unknown, kind?: SourceKind): FilterIssue[] {
  return validateFilterCriteria({ Filters: [{ Pattern: text(pattern) }] }, kind ? { source: sourceOf(kind) } : {});
}

export const errorsOf = (pattern: unknown, kind?: SourceKind): FilterIssue[] =>
  issuesOf(pattern, kind).filter((i) => i.severity === 'error');

export const warningsOf = (pattern: unknown, kind?: SourceKind): FilterIssue[] =>
  issuesOf(pattern, kind).filter((i) => i.severity === 'warning');

export const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

/** Typed asymmetric matchers (vitest's return `any`). */
export const like = (re: RegExp): string => expect.stringMatching(re) as string;
export const anyString = expect.any(String) as string;
