// Lambda function ARNs as destinations: a function of this sluice (through the app's async engine), or a remote
// one through a `lambda` connection. The `lambda` connection type is also what the lambda runtime reads.
import type { ConnectorDefinition } from '../../src/ports/connector.js';
import { awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { parseFunctionArn } from './arn.js';
import { lambdaDestination } from './destination.js';

export { parseFunctionArn } from './arn.js';

export const lambdaConnector: ConnectorDefinition = {
  kind: 'lambda',
  matches: (a) => parseFunctionArn(a) !== undefined,
  isDestination: (a) => parseFunctionArn(a) !== undefined,
  connectionSchema: awsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('lambda'),
  destinationHint: 'a configured function (arn:aws:lambda:<region>:<account>:function:<name>)',
  // Only a function that is not this sluice's uses it; without one, the event goes to the async engine.
  destinationConnection: (_address, connections) => connections.defaultOf('lambda'),
  apiDestinationProblem(address, ctx) {
    const fn = parseFunctionArn(address);
    if (fn === undefined) return 'is not a function ARN';
    if (fn.region !== ctx.region || fn.accountId !== ctx.accountId || !ctx.hasFunction(fn.name))
      return 'is not a function configured in this sluice';
    return fn.qualifier === undefined || fn.qualifier === '$LATEST' ? undefined : 'has a qualifier other than $LATEST';
  },
  createDestination(address, ctx) {
    const fn = parseFunctionArn(address);
    if (fn === undefined) throw new Error(`not a Lambda function ARN: ${address}`);
    return lambdaDestination(address, fn, ctx);
  },
};
