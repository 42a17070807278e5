// A handler using the AWS SDK as on Lambda (no endpoint or keys in its code) reaches the local ElasticMQ when its
// function names the connection in AwsConnections; a function that does not ask gets neither the endpoint nor any
// keys, even when the service's own environment has them.
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, servers, sqsClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const FIXTURES = 'test/fixtures/functions';

async function invoke(port: number, fn: string, event: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/${fn}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  expect(res.headers.get('x-amz-function-error')).toBeNull();
  return (await res.json()) as Record<string, unknown>;
}

it('AwsConnections gives a function the endpoint and static keys of a connection, and only when asked', async () => {
  const name = uniqueName('fn-aws-env');
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
  const endpoint = servers().sqs.endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'HOST-KEY-MUST-NOT-LEAK';
  process.env.AWS_SECRET_ACCESS_KEY = 'host-secret';
  try {
    const loaded = loadConfigText(
      JSON.stringify({
        server: { port: 0 },
        connections: {
          local: { type: 'sqs', endpoint, credentials: { accessKeyId: 'local-key', secretAccessKey: 'local-secret' } },
        },
        functions: {
          asks: { Handler: 'aws-sdk.send', CodeUri: FIXTURES, Timeout: 20, AwsConnections: ['local'] },
          plain: { Handler: 'aws-sdk.keys', CodeUri: FIXTURES },
        },
      }),
      'function-aws-env.json',
    );
    expect(loaded.problems).toEqual([]);
    const app = await startApp(loaded.config!, createLogger('silent'));
    try {
      const { port } = app.address();
      const out = await invoke(port, 'asks', { queueUrl: QueueUrl, body: 'from the handler' });
      expect(out).toMatchObject({ received: ['from the handler'], endpoint, keyId: 'local-key' });
      expect(typeof out.messageId).toBe('string');
      expect(await invoke(port, 'plain', {})).toEqual({ keyId: null, secret: null, endpoint: null });
    } finally {
      await app.stop('test');
    }
  } finally {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
}, 60_000);

it('AwsConnections refuses what is not an AWS connection and the host credential chain', () => {
  const loaded = loadConfigText(
    JSON.stringify({
      connections: {
        chain: { type: 'sqs', endpoint: 'aws', credentials: 'default-chain' },
        r: { type: 'redis', url: 'redis://127.0.0.1:1' },
      },
      functions: { f: { Handler: 'aws-sdk.keys', CodeUri: FIXTURES, AwsConnections: ['chain', 'r', 'nope'] } },
    }),
    'bad.json',
  );
  expect(loaded.problems.map((p) => p.path)).toEqual([
    'functions.f.AwsConnections[0]',
    'functions.f.AwsConnections[1]',
    'functions.f.AwsConnections[2]',
  ]);
});
