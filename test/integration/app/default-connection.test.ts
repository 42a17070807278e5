// A new user's first config: an `sqs` connection (ElasticMQ) under another name and a mapping that names none. The
// mapping reaches the queue through that connection — before, it went to sqs.us-east-1.amazonaws.com with the
// host's credentials. Which keys sign the requests is proven in test/unit/connectors/_aws (ElasticMQ checks none).
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { FAULT_FIXTURES, readRecords, recordLog } from '../../faults/harness.js';
import { closeClients, servers, sqsClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

it('a mapping without Connection reads from the only sqs connection', async () => {
  const sqs = sqsClient();
  const name = uniqueName('default-conn');
  await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const log = recordLog();
  // Host credentials that must not be used (the SDK's default chain would read them).
  process.env.AWS_ACCESS_KEY_ID = 'HOST-KEY-MUST-NOT-BE-USED';
  process.env.AWS_SECRET_ACCESS_KEY = 'host-secret';
  try {
    const loaded = loadConfigText(
      JSON.stringify({
        server: { port: 0 },
        connections: { local: { type: 'sqs', endpoint: servers().sqs.endpoint } },
        functions: {
          rec: {
            Handler: 'handlers.sqsRecorder',
            CodeUri: FAULT_FIXTURES,
            Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '0' } },
          },
        },
        eventSourceMappings: [{ FunctionName: 'rec', EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${name}` }],
      }),
      'default-connection.json',
    );
    expect(loaded.problems).toEqual([]);
    expect(loaded.config?.mappings[0]?.connectionName).toBe('local');
    const app = await startApp(loaded.config!, createLogger('silent'));
    try {
      const QueueUrl = `${servers().sqs.endpoint}/000000000000/${name}`;
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ id: 'm1' }) }));
      await expect.poll(() => readRecords(log).map((r) => r.id), { timeout: 30_000 }).toEqual(['m1']);
    } finally {
      await app.stop('test');
    }
  } finally {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
});
