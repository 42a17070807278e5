// Amazon EventBridge buses as async OnSuccess/OnFailure destinations (DEST-10..13) through an `eventbridge`
// connection (moto, LocalStack, or "endpoint": "aws").
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { parseConnection, type ConnectorDefinition } from '../../src/ports/connector.js';
import { awsClientConfig, awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { parseBusArn } from './address.js';
import { EventBridgeDestination } from './destination.js';

export { parseBusArn } from './address.js';

const eventBridgeConnectionSchema = awsConnectionSchema.extend({
  source: z
    .enum(['lambda', 'aws.lambda'])
    .optional()
    .describe(
      'Source of the events sluice puts (DA-12): "lambda" (default, what deployed rules match) or "aws.lambda".',
    ),
});

export const eventBridgeConnector: ConnectorDefinition = {
  kind: 'eventbridge',
  matches: (a) => parseBusArn(a) !== undefined,
  isDestination: (a) => parseBusArn(a) !== undefined,
  // DEST-10: asynchronous invocation destinations only.
  destinationRoleProblem: (role) =>
    role === 'async-on-success' || role === 'async-on-failure'
      ? undefined
      : 'an EventBridge event bus can only be an OnSuccess or OnFailure destination of asynchronous invocation',
  destinationHint: 'an EventBridge event bus ARN (async destinations only) with an eventbridge connection',
  connectionSchema: eventBridgeConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('eventbridge'),
  createDestination(address, ctx) {
    const bus = parseBusArn(address);
    if (bus === undefined) throw new Error(`not an EventBridge event bus ARN: ${address}`);
    const settings = parseConnection(eventBridgeConnectionSchema, 'eventbridge', ctx.connection);
    const client = new EventBridgeClient(awsClientConfig(ctx.connection, bus.region));
    return new EventBridgeDestination(address, client, settings.source ?? 'lambda');
  },
};
