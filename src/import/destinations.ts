// Destination addresses of a template (EventInvokeConfig, DestinationConfig, DeadLetterQueue) as sluice reads them:
// SQS queue, SNS topic, EventBridge bus, S3 bucket and Lambda function ARNs and Kafka topics. The roles a kind may
// take are the config's (S3 on failure only, EventBridge async only, dead-letter queues SQS or SNS): a template that
// gives one another role is refused with its path, as `sluice validate` would refuse the generated config.
import { isRecord, text, type ImportNote } from './types.js';

const DELIVERABLE = /^(arn:[\w-]+:(sqs|sns|events|s3|lambda|kafka):|kafka:\/\/)/;

/** Where an address is used: async OnSuccess/OnFailure, a mapping's OnFailure, or a dead-letter queue. */
export type DestinationRole = 'async-success' | 'async-failure' | 'mapping-failure' | 'dead-letter';

const REFUSED: Record<string, { roles: DestinationRole[]; why: string }> = {
  s3: { roles: ['async-success', 'dead-letter'], why: 'an S3 bucket only takes OnFailure records' },
  events: { roles: ['mapping-failure', 'dead-letter'], why: 'an EventBridge bus only takes async OnSuccess/OnFailure' },
  lambda: { roles: ['dead-letter'], why: 'a dead-letter queue is an SQS queue or an SNS topic' },
  kafka: { roles: ['dead-letter'], why: 'a dead-letter queue is an SQS queue or an SNS topic' },
};

/** The address if sluice can deliver to it, else undefined with a note; throws for a kind refused in this role. */
export function destinationAddress(
  value: unknown,
  path: string,
  notes: ImportNote[],
  role: DestinationRole,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    notes.push({ path, message: 'not a destination ARN' });
    return undefined;
  }
  const service = /^arn:[\w-]+:([\w-]+):/.exec(value)?.[1] ?? value;
  if (!DELIVERABLE.test(value)) {
    notes.push({
      path,
      message: `${service} destinations are not delivered by sluice (SQS, SNS, EventBridge, S3, Lambda and Kafka are)`,
    });
    return undefined;
  }
  const refused = REFUSED[value.startsWith('kafka://') ? 'kafka' : service];
  if (refused?.roles.includes(role)) throw new Error(`${path}: ${value} cannot be used here: ${refused.why}`);
  return value;
}

/** { OnSuccess?: {Destination}, OnFailure?: {Destination} } without SAM's `Type`; undefined when empty. */
export function destinationConfig(
  value: unknown,
  path: string,
  notes: ImportNote[],
  use: 'async' | 'mapping',
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
    // A mapping keeps OnFailure only (events.ts notes an OnSuccess), so only that one is checked.
    if (use === 'mapping' && key === 'OnSuccess') {
      if (typeof d.Destination === 'string') out[key] = { Destination: d.Destination };
      continue;
    }
    const role = use === 'mapping' ? 'mapping-failure' : key === 'OnSuccess' ? 'async-success' : 'async-failure';
    const address = destinationAddress(d.Destination, `${path}.${key}.Destination`, notes, role);
    if (address !== undefined) out[key] = { Destination: address };
  }
  for (const key of Object.keys(value))
    if (key !== 'OnSuccess' && key !== 'OnFailure')
      notes.push({ path: `${path}.${key}`, message: 'not used by sluice' });
  return Object.keys(out).length === 0 ? undefined : out;
}
