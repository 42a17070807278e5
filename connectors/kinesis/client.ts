// The Kinesis client for a connection. The SDK defaults to HTTP/2, which plain-HTTP endpoints (kinesalite,
// moto) cannot speak, so an HTTP/1.1 handler is always passed; AWS accepts both.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface AwsConnection {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function awsConnection(connection: Record<string, unknown>): AwsConnection {
  const { endpoint, region, credentials } = connection;
  return {
    endpoint: typeof endpoint === 'string' ? endpoint : undefined,
    region: typeof region === 'string' ? region : undefined,
    credentials:
      typeof credentials === 'object' && credentials !== null
        ? (credentials as AwsConnection['credentials'])
        : undefined,
  };
}

export function createKinesisClient(connection: AwsConnection, region: string): KinesisClient {
  return new KinesisClient({
    region: connection.region ?? region,
    ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
    requestHandler: new NodeHttpHandler(),
  });
}
