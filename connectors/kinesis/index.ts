// The Kinesis Data Streams connector: stream sources addressed as arn:aws:kinesis:<region>:<acct>:stream/<name>.
import { STREAM_SOURCE, type ConnectorDefinition } from '../../src/ports/connector.js';
import { awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { isKinesisConsumerArn, isKinesisStreamArn, parseKinesisStreamArn } from './arn.js';
import { createKinesisClient } from './client.js';
import { KinesisStreamSource } from './source.js';

export { KinesisStreamSource, shardInfoOf, classifyKinesisError, KINESIS_MAX_RECORDS } from './source.js';
export { toKinesisStreamRecord } from './record.js';
export { createKinesisClient, awsConnection, type AwsConnection } from './client.js';
export { parseKinesisStreamArn, isKinesisStreamArn } from './arn.js';

/**
 * EFO-1..3: enhanced fan-out needs SubscribeToShard, which kinesalite (the Kinesis server sluice is tested on) does not
 * have, so a consumer ARN is refused when the config or the API compiles the mapping, never at start.
 */
const ENHANCED_FAN_OUT = {
  ...STREAM_SOURCE,
  unsupported:
    'Kinesis enhanced fan-out consumer ARNs (stream/<name>/consumer/<name>:<time>) are not supported by sluice: ' +
    'it has no SubscribeToShard reader; use the stream ARN (shared-throughput polling)',
};

export const kinesisConnector: ConnectorDefinition = {
  kind: 'kinesis',
  connectionSchema: awsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('kinesis'),
  matches: isKinesisStreamArn,
  sourceHint: 'a Kinesis stream ARN',
  sourceAt: (a) => (isKinesisStreamArn(a) ? STREAM_SOURCE : isKinesisConsumerArn(a) ? ENHANCED_FAN_OUT : undefined),
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
