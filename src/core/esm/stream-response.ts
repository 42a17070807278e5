// Reading a successful invocation's response for a stream batch: ReportBatchItemFailures (STR-21..26, D-1)
// and the tumbling-window state (STR-32).
import { isDeepStrictEqual } from 'node:util';

export type StreamResponseOutcome =
  | { kind: 'success'; state?: unknown }
  /** Records from `fromIndex` on are retried (a rewind, STR-21); `listed` = entries in batchItemFailures. */
  | { kind: 'partial'; fromIndex: number; listed: number; state?: unknown }
  /** Counts as a function error (STR-23, D-1, STR-32). */
  | { kind: 'invalid'; reason: string };

export function parseStreamResponse(
  payload: Buffer,
  identifiers: readonly unknown[],
  opts: { reportBatchItemFailures: boolean; requireState: boolean },
): StreamResponseOutcome {
  // STR-26: without the feature (and outside tumbling windows) the response is not read at all.
  if (!opts.reportBatchItemFailures && !opts.requireState) return { kind: 'success' };
  const text = payload.toString('utf8').trim();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: 'invalid', reason: 'response is not JSON' };
    }
  }
  const obj =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  let state: unknown;
  if (opts.requireState) {
    if (!obj || !('state' in obj)) return { kind: 'invalid', reason: 'tumbling window response has no state' };
    state = obj.state;
  }
  const withState = <T extends object>(o: T): T & { state?: unknown } => (opts.requireState ? { ...o, state } : o);
  // STR-22: empty response, null response, missing or null or empty list = complete success.
  if (!opts.reportBatchItemFailures || !obj) return withState({ kind: 'success' as const });
  const failures = obj.batchItemFailures;
  if (failures === undefined || failures === null) return withState({ kind: 'success' as const });
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return withState({ kind: 'success' as const });
  let lowest = Number.POSITIVE_INFINITY;
  for (const entry of failures as unknown[]) {
    // STR-23: "", null or a wrongly named key fails the whole batch.
    if (typeof entry !== 'object' || entry === null)
      return { kind: 'invalid', reason: 'malformed batchItemFailures entry' };
    const id = (entry as Record<string, unknown>).itemIdentifier;
    if (id === undefined || id === null || id === '') return { kind: 'invalid', reason: 'empty itemIdentifier' };
    // Identifiers are strings (Kinesis, DynamoDB) or objects (Kafka's {partition, offset}, KAF-15).
    const index = identifiers.findIndex((candidate) => isDeepStrictEqual(candidate, id));
    // D-1: an identifier that is not in the batch fails the whole batch.
    if (index < 0) return { kind: 'invalid', reason: 'itemIdentifier not in the batch' };
    lowest = Math.min(lowest, index);
  }
  return withState({ kind: 'partial' as const, fromIndex: lowest, listed: failures.length });
}
