// Amazon S3 buckets as on-failure destinations of stream mappings and async invocations (DEST-1..6), through an
// `s3` connection (MinIO, moto, LocalStack, or "endpoint": "aws").
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseConnection, type ConnectorDefinition } from '../../src/ports/connector.js';
import { AWS_ENDPOINT, awsClientConfig, awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { parseBucketArn } from './address.js';
import { S3Destination } from './destination.js';

export { parseBucketArn } from './address.js';
export { objectKey } from './object-key.js';

const s3ConnectionSchema = awsConnectionSchema.extend({
  forcePathStyle: z
    .boolean()
    .optional()
    .describe('Path-style URLs (http://host/bucket/key); default true for an endpoint URL, false for "aws".'),
});

export const s3Connector: ConnectorDefinition = {
  kind: 's3',
  matches: (a) => parseBucketArn(a) !== undefined,
  isDestination: (a) => parseBucketArn(a) !== undefined,
  // DEST-1: on failure only, for stream mappings and async invocations; never OnSuccess nor a DLQ.
  destinationRoleProblem: (role) =>
    role === 'mapping-on-failure' || role === 'async-on-failure'
      ? undefined
      : 'an S3 bucket can only be an OnFailure destination (of a stream mapping or an asynchronous invocation)',
  destinationHint: 'an S3 bucket ARN (arn:aws:s3:::<bucket>, on failure only) with an s3 connection',
  connectionSchema: s3ConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('s3'),
  createDestination(address, ctx) {
    const bucket = parseBucketArn(address);
    if (bucket === undefined) throw new Error(`not an S3 bucket ARN: ${address}`);
    const settings = parseConnection(s3ConnectionSchema, 's3', ctx.connection);
    const client = new S3Client({
      ...awsClientConfig(ctx.connection, ctx.region),
      forcePathStyle: settings.forcePathStyle ?? settings.endpoint !== AWS_ENDPOINT,
    });
    return new S3Destination(address, bucket, client);
  },
};
