// The Kinesis Data Streams connector: stream sources addressed as arn:aws:kinesis:<region>:<acct>:stream/<name>.
import { STREAM_SOURCE, type ConnectorDefinition } from '../../src/ports/connector.js';
import { awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { isKinesisStreamArn, parseKinesisStreamArn } from './arn.js';
import { createKinesisClient } from './client.js';
import { KinesisStreamSource } from './source.js';

export { KinesisStreamSource, shardInfoOf, classifyKinesisError, KINESIS_MAX_RECORDS } from './source.js';
export { toKinesisStreamRecord } from './record.js';
export { createKinesisClient, awsConnection, type AwsConnection } from './client.js';
export { parseKinesisStreamArn, isKinesisStreamArn } from './arn.js';

export const kinesisConnector: ConnectorDefinition = {
  kind: 'kinesis',
  connectionSchema: awsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('kinesis'),
  matches: isKinesisStreamArn,
  sourceHint: 'a Kinesis stream ARN',
  sourceAt: (a) => (isKinesisStreamArn(a) ? STREAM_SOURCE : undefined),
  // FLT-9: base64 data that only counts as JSON.
  filter: { label: 'Kinesis', data: { path: ['kinesis', 'data'], encoding: 'base64', form: 'json', mismatch: 'fail' } },
  createStreamSource: (address, _options, ctx) => {
    const arn = parseKinesisStreamArn(address);
    const region = arn.region || ctx.region;
    return new KinesisStreamSource({
      client: createKinesisClient(ctx.connection, region),
      streamArn: arn.arn,
      streamName: arn.streamName,
      region,
      invokeIdentityArn: `arn:aws:iam::${arn.accountId || ctx.accountId}:role/sluice`,
    });
  },
};
