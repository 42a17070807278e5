// The Kinesis client for a connection. The SDK defaults to HTTP/2, which plain-HTTP endpoints (kinesalite,
// moto) cannot speak, so an HTTP/1.1 handler is always passed; AWS accepts both.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsClientConfig } from '../_aws/client-config.js';

export { awsConnection, type AwsConnection } from '../_aws/client-config.js';

export function createKinesisClient(connection: Record<string, unknown>, region: string): KinesisClient {
  return new KinesisClient({ ...awsClientConfig(connection, region), requestHandler: new NodeHttpHandler() });
}
