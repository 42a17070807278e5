// A Lambda function as a destination: the record is its event, invoked asynchronously (ASY-11). A function of this
// sluice goes through the async engine; another one through a `lambda` connection (InvocationType Event).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ConnectorContext } from '../../src/ports/connector.js';
import { SluiceError } from '../../src/ports/errors.js';
import { bodyOf, type Destination } from '../../src/ports/sources.js';
import { awsClientConfig } from '../_aws/client-config.js';
import type { FunctionArn } from './arn.js';

export function lambdaDestination(arn: string, fn: FunctionArn, ctx: ConnectorContext): Destination {
  const local = ctx.functions;
  // No connection, or a function of this sluice: the async engine (which drops an event of an unknown function).
  if (local === undefined || local.has(fn.name) || Object.keys(ctx.connection).length === 0) {
    return {
      arn,
      send: async (record, dctx) => {
        if (local === undefined) throw new SluiceError('NotReady', 'no local functions to invoke');
        // The trace header carries the chain's Lineage, so a loop through destinations is stopped (ERR-6).
        await local.invokeAsync(fn.name, Buffer.from(bodyOf(record)), dctx.traceHeader);
      },
      close: () => Promise.resolve(),
    };
  }
  const client = new LambdaClient({
    ...awsClientConfig(ctx.connection, fn.region || ctx.region),
    // Retries belong to the engines, which count delivery attempts themselves.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return {
    arn,
    async send(record, dctx) {
      const command = new InvokeCommand({
        FunctionName: fn.name,
        Qualifier: fn.qualifier,
        InvocationType: 'Event',
        Payload: Buffer.from(bodyOf(record)),
      });
      // The chain's Lineage goes on to the remote function too (ERR-6): another sluice counts it there.
      const trace = dctx.traceHeader;
      if (trace !== undefined)
        command.middlewareStack.add(
          (next) => (args) => {
            const request = args.request as { headers?: Record<string, string> };
            if (request.headers !== undefined) request.headers['X-Amzn-Trace-Id'] = trace;
            return next(args);
          },
          { step: 'build', name: 'sluiceTraceHeader' },
        );
      const out = await client.send(command, { abortSignal: AbortSignal.timeout(30_000) });
      if (out.StatusCode !== 202)
        throw new Error(`Lambda function ${fn.name} answered ${out.StatusCode ?? 'no status'}`);
    },
    close: () => {
      client.destroy();
      return Promise.resolve();
    },
  };
}
