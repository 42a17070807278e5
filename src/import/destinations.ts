// Destination addresses of a template (EventInvokeConfig, DestinationConfig, DeadLetterQueue) as sluice reads them:
// SQS queue and Lambda function ARNs and Kafka topics; SNS, EventBridge and S3 are listed as not translated.
import { isRecord, text, type ImportNote } from './types.js';

const DELIVERABLE = /^(arn:[\w-]+:(sqs|lambda|kafka):|kafka:\/\/)/;

/** The address if sluice can deliver to it, else undefined with a note. */
export function destinationAddress(value: unknown, path: string, notes: ImportNote[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    notes.push({ path, message: 'not a destination ARN' });
    return undefined;
  }
  if (DELIVERABLE.test(value)) return value;
  const service = /^arn:[\w-]+:([\w-]+):/.exec(value)?.[1] ?? value;
  notes.push({ path, message: `${service} destinations are not delivered by sluice (SQS, Lambda and Kafka are)` });
  return undefined;
}

/** { OnSuccess?: {Destination}, OnFailure?: {Destination} } without SAM's `Type`; undefined when empty. */
export function destinationConfig(
  value: unknown,
  path: string,
  notes: ImportNote[],
): { OnSuccess?: { Destination: string }; OnFailure?: { Destination: string } } | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, { Destination: string }> = {};
  for (const key of ['OnSuccess', 'OnFailure'] as const) {
    const d = value[key];
    if (!isRecord(d)) continue;
    if (d.Destination === undefined && d.Type !== undefined) {
      notes.push({
        path: `${path}.${key}`,
        message: `a ${text(d.Type)} destination SAM would create is not created`,
      });
      continue;
    }
    const address = destinationAddress(d.Destination, `${path}.${key}.Destination`, notes);
    if (address !== undefined) out[key] = { Destination: address };
  }
  for (const key of Object.keys(value))
    if (key !== 'OnSuccess' && key !== 'OnFailure')
      notes.push({ path: `${path}.${key}`, message: 'not used by sluice' });
  return Object.keys(out).length === 0 ? undefined : out;
}
