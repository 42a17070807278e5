// The Message an SNS destination publishes: the record's JSON (DEST-7, DEST-8), or a DLQ's original event byte for
// byte (DEST-9). SNS takes 256 KB; an invocation record over it loses responsePayload, then requestPayload (DA-11).
import { bodyOf } from '../../src/ports/sources.js';

export const SNS_MAX_BYTES = 256 * 1024;

export function snsMessage(record: unknown): string {
  let message = bodyOf(record);
  if (Buffer.byteLength(message) <= SNS_MAX_BYTES || Buffer.isBuffer(record)) return message;
  const trimmed = { ...(record as Record<string, unknown>) };
  for (const field of ['responsePayload', 'requestPayload']) {
    if (!(field in trimmed)) continue;
    delete trimmed[field];
    message = JSON.stringify(trimmed);
    if (Buffer.byteLength(message) <= SNS_MAX_BYTES) return message;
  }
  return message; // still too large: SNS refuses it, which counts as a failed delivery
}
