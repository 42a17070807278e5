// Amazon SNS topics as destinations (DEST-7..9) through an `sns` connection (moto, LocalStack, or "endpoint": "aws").
import { SNSClient } from '@aws-sdk/client-sns';
import type { ConnectorDefinition } from '../../src/ports/connector.js';
import { awsClientConfig, awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { parseTopicArn } from './address.js';
import { SnsDestination } from './destination.js';

export { parseTopicArn } from './address.js';

export const snsConnector: ConnectorDefinition = {
  kind: 'sns',
  matches: (a) => parseTopicArn(a) !== undefined,
  isDestination: (a) => parseTopicArn(a) !== undefined,
  destinationHint: 'an SNS topic ARN with an sns connection',
  connectionSchema: awsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('sns'),
  createDestination(address, ctx) {
    const topic = parseTopicArn(address);
    if (topic === undefined) throw new Error(`not an SNS topic ARN: ${address}`);
    return new SnsDestination(address, topic.fifo, new SNSClient(awsClientConfig(ctx.connection, topic.region)));
  },
};
