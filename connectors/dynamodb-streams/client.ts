// The DynamoDB Streams client for a connection (HTTP/1.1 like every DynamoDB endpoint, emulators included).
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConnection } from '../kinesis/client.js';

export function createDynamoDbStreamsClient(connection: AwsConnection, region: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    region: connection.region ?? region,
    ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
    requestHandler: new NodeHttpHandler(),
  });
}
