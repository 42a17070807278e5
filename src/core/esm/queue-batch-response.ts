// Reads a function's `{ batchItemFailures: [...] }` answer exactly per SQS-17..19.

export type BatchResponseVerdict =
  | { kind: 'all-succeeded' }
  | { kind: 'all-failed'; reason: string }
  /** Non-empty list of message ids that failed; every other message in the batch succeeded. */
  | { kind: 'partial'; failedIds: ReadonlySet<string> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * SQS-18 complete success: null/empty response, `{}`, `batchItemFailures: null` or `[]`.
 * SQS-19 complete failure: invalid JSON, `itemIdentifier` empty/null/not a string, a wrongly named key,
 * or an id that is not in the batch. Any other shape that is not an EventResponse fails the batch too.
 */
export function readBatchResponse(payload: Buffer, batchIds: ReadonlySet<string>): BatchResponseVerdict {
  const text = payload.toString('utf8').trim();
  if (text === '') return { kind: 'all-succeeded' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'all-failed', reason: 'response is not valid JSON' };
  }
  if (parsed === null) return { kind: 'all-succeeded' };
  if (!isObject(parsed)) return { kind: 'all-failed', reason: 'response is not an object' };
  const list = parsed['batchItemFailures'];
  if (list === undefined || list === null) return { kind: 'all-succeeded' };
  if (!Array.isArray(list)) return { kind: 'all-failed', reason: 'batchItemFailures is not a list' };
  if (list.length === 0) return { kind: 'all-succeeded' };
  const failedIds = new Set<string>();
  for (const entry of list as unknown[]) {
    if (!isObject(entry)) return { kind: 'all-failed', reason: 'batchItemFailures entry is not an object' };
    const id = entry['itemIdentifier'];
    if (typeof id !== 'string' || id === '') {
      return { kind: 'all-failed', reason: 'itemIdentifier is missing, null or empty' };
    }
    if (!batchIds.has(id)) return { kind: 'all-failed', reason: `itemIdentifier ${id} is not in the batch` };
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
}
