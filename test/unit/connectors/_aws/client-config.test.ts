// AWS SDK clients of a connection get an explicit endpoint and explicit credentials: the host's credential chain
// (environment, profiles, instance metadata) only with "credentials": "default-chain".
import { afterEach, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../../../connectors/_aws/client-config.js';
import { createKinesisClient } from '../../../../connectors/kinesis/client.js';
import { createSqsClient } from '../../../../connectors/sqs/connection.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('awsClientConfig', () => {
  it('an emulator URL without credentials gets placeholder keys, never the host chain', () => {
    expect(awsClientConfig({ endpoint: 'http://127.0.0.1:9324' }, 'us-east-1')).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9324',
      credentials: { accessKeyId: 'sluice', secretAccessKey: 'sluice' },
    });
  });

  it('"aws" means AWS\'s own endpoints: no endpoint override, the given keys', () => {
    const keys = { accessKeyId: 'AKIA', secretAccessKey: 's' };
    expect(awsClientConfig({ endpoint: 'aws', region: 'eu-west-1', credentials: keys }, 'us-east-1')).toEqual({
      region: 'eu-west-1',
      credentials: keys,
    });
    expect(awsClientConfig({ endpoint: 'aws', credentials: 'default-chain' }, 'us-east-1')).toEqual({
      region: 'us-east-1',
    });
  });

  it('refuses a connection with no endpoint, or "aws" without credentials', () => {
    expect(() => awsClientConfig({}, 'us-east-1')).toThrow(/endpoint required/);
    expect(() => awsClientConfig({ endpoint: 'aws' }, 'us-east-1')).toThrow(/credentials required/);
  });

  it('SDK clients resolve the placeholder keys, not the host environment, unless "default-chain"', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'HOST-KEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'host-secret';
    const sqs = createSqsClient({ endpoint: 'http://127.0.0.1:9324' }, 'us-east-1');
    const kinesis = createKinesisClient({ endpoint: 'http://127.0.0.1:4567' }, 'us-east-1');
    const chain = createSqsClient({ endpoint: 'http://127.0.0.1:9324', credentials: 'default-chain' }, 'us-east-1');
    try {
      expect((await sqs.config.credentials()).accessKeyId).toBe('sluice');
      expect((await kinesis.config.credentials()).accessKeyId).toBe('sluice');
      expect((await chain.config.credentials()).accessKeyId).toBe('HOST-KEY');
    } finally {
      sqs.destroy();
      kinesis.destroy();
      chain.destroy();
    }
  });

  it('hands the SDK copies of the credentials, so a connection read by several clients stays as configured', async () => {
    const connection = { endpoint: 'http://127.0.0.1:9324', credentials: { accessKeyId: 'k', secretAccessKey: 's' } };
    const first = createSqsClient(connection, 'us-east-1');
    try {
      await first.config.credentials();
      expect(connection.credentials).toEqual({ accessKeyId: 'k', secretAccessKey: 's' });
      // A second client of the same connection reads it through the connector's strict schema.
      createSqsClient(connection, 'us-east-1').destroy();
    } finally {
      first.destroy();
    }
  });
});
