import {
  QUEUE_SOURCE,
  type ConnectorContext,
  type ConnectorDefinition,
  type ProvisionedRules,
} from '../../src/ports/connector.js';
import type { QueueDescription } from '../../src/ports/queue-source.js';
import { parseSqsAddress, queueArn, type SqsAddress } from './address.js';
import { awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample } from '../_aws/connection-schema.js';
import { createSqsClient, sharedSqsClient, sqsConnectionSchema } from './connection.js';
import { SqsDestination } from './destination.js';
import { SqsQueueSource } from './queue-source.js';
import { readQueueSettings } from './queue-settings.js';
import { queueUrlResolver } from './queue-url.js';

export { sqsConnectionSchema, type SqsConnection } from './connection.js';
export { parseSqsAddress } from './address.js';
export { sqsEvents, toQueueMessage, type SqsMessage } from './record.js';

const isQueueArn = (a: string): boolean => a.startsWith('arn:') && parseSqsAddress(a) !== undefined;

function address(a: string): SqsAddress {
  const parsed = parseSqsAddress(a);
  if (!parsed) throw new Error(`not an SQS queue ARN or URL: ${a}`);
  return parsed;
}

/** PRV-2: SQS pollers 2–200 at least, 2–10,000 at most (defaults 2 and 200); no poller groups (DA-5). */
const SQS_PROVISIONED: ProvisionedRules = {
  minimumPollers: { min: 2, max: 200, default: 2 },
  maximumPollers: { min: 2, max: 10_000, default: 200 },
  pollerGroups: false,
  systemLogLevel: false,
};

/** Amazon SQS (or ElasticMQ and other SQS-compatible servers through `connection.endpoint`). */
export const sqsConnector: ConnectorDefinition = {
  kind: 'sqs',
  matches: (a) => parseSqsAddress(a) !== undefined,
  // Destinations name queues by ARN; a mapping may also name its queue by AWS queue URL (ESMAPI-9, issue #17).
  sourceAt: (a) =>
    parseSqsAddress(a) !== undefined
      ? { ...QUEUE_SOURCE, fifo: a.endsWith('.fifo'), provisioned: SQS_PROVISIONED }
      : undefined,
  // FLT-8: the body as it is, JSON when it holds an object or an array.
  filter: { label: 'SQS', data: { path: ['body'], encoding: 'text', form: 'text', mismatch: 'fail' } },
  isDestination: isQueueArn,
  sourceHint: 'an SQS queue ARN',
  destinationHint: 'an SQS queue ARN with an sqs connection',
  connectionSchema: sqsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('sqs'),
  createQueueSource(a: string, ctx: ConnectorContext) {
    const addr = address(a);
    const { client, release } = sharedSqsClient(ctx.connection, addr.region ?? ctx.region);
    const arn = addr.url ? queueArn(addr, ctx.region) : a;
    const logger = ctx.logger.child({ queue: arn });
    return new SqsQueueSource(arn, addr.region ?? ctx.region, client, queueUrlResolver(client, addr), logger, release);
  },
  createDestination(a: string, ctx: ConnectorContext) {
    const addr = address(a);
    const { client, release } = sharedSqsClient(ctx.connection, addr.region ?? ctx.region);
    return new SqsDestination(
      addr.url ? queueArn(addr, ctx.region) : a,
      addr.fifo,
      client,
      queueUrlResolver(client, addr),
      release,
    );
  },
};

/** Reads VisibilityTimeout, FifoQueue and RedrivePolicy of a queue (P-6 check at start) without a source. */
export async function readSqsQueueSettings(a: string, ctx: ConnectorContext): Promise<QueueDescription> {
  const addr = address(a);
  const client = createSqsClient(ctx.connection, addr.region ?? ctx.region);
  try {
    return await readQueueSettings(client, await queueUrlResolver(client, addr)());
  } finally {
    client.destroy();
  }
}
