// The DynamoDB Streams connector: stream sources addressed as arn:aws:dynamodb:<r>:<a>:table/<t>/stream/<label>.
import { STREAM_SOURCE, type ConnectorDefinition, type MappingFields } from '../../src/ports/connector.js';
import { awsConnectionProblems } from '../_aws/client-config.js';
import { awsConnectionExample, awsConnectionSchema } from '../_aws/connection-schema.js';
import { isDynamoDbStreamArn, parseDynamoDbStreamArn } from './arn.js';
import { createDynamoDbStreamsClient } from './client.js';
import { DynamoDbStreamSource } from './source.js';

export { DynamoDbStreamSource, dynamoDbShardInfoOf, DYNAMODB_STREAMS_MAX_RECORDS } from './source.js';
export { toDynamoDbStreamRecord, attributeToJson, keysPartitionKey } from './record.js';
export { createDynamoDbStreamsClient } from './client.js';
export { parseDynamoDbStreamArn, isDynamoDbStreamArn } from './arn.js';

const check = (m: MappingFields): Array<[string, string]> =>
  m.StartingPosition === 'AT_TIMESTAMP' ? [['StartingPosition', 'DynamoDB Streams accept TRIM_HORIZON or LATEST']] : [];

export const dynamoDbStreamsConnector: ConnectorDefinition = {
  kind: 'dynamodb',
  connectionSchema: awsConnectionSchema,
  connectionProblems: awsConnectionProblems,
  connectionExample: awsConnectionExample('dynamodb'),
  matches: isDynamoDbStreamArn,
  sourceHint: 'a DynamoDB stream ARN',
  sourceAt: (a) => (isDynamoDbStreamArn(a) ? { ...STREAM_SOURCE, check } : undefined),
  // No data field: patterns address the record (dynamodb.NewImage...), whose numbers are strings.
  filter: { label: 'DynamoDB', numbersAsStrings: 'N' },
  createStreamSource: (address, _options, ctx) => {
    const arn = parseDynamoDbStreamArn(address);
    const region = arn.region || ctx.region;
    return new DynamoDbStreamSource({
      client: createDynamoDbStreamsClient(ctx.connection, region),
      streamArn: arn.arn,
      region,
    });
  },
};
