// The DynamoDB Streams client for a connection (HTTP/1.1 like every DynamoDB endpoint, emulators included).
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsClientConfig } from '../_aws/client-config.js';

export function createDynamoDbStreamsClient(
  connection: Record<string, unknown>,
  region: string,
): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...awsClientConfig(connection, region), requestHandler: new NodeHttpHandler() });
}
