// #18 import, end to end on the real servers: a SAM template with SQS (dead-letter queue through RedrivePolicy),
// Kinesis, DynamoDB Streams and MSK events is imported with --create-resources (ElasticMQ, kinesalite, DynamoDB
// Local, Kafka), sluice runs the generated config, records of every source reach the handler and a failing
// message reaches the template's dead-letter queue.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import {
  closeClients,
  dynamoClient,
  kafka,
  kinesisClient,
  servers,
  sqsClient,
  uniqueName,
} from '../../services/inject.js';

afterAll(closeClients);

const TEMPLATE = path.resolve('test/fixtures/import/sam-app.yaml');

async function importTemplate(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(['import', TEMPLATE, ...args], {
    stdout: () => {},
    stderr: (s) => void (stderr += s),
    env: process.env,
  });
  return { code, stderr };
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

it('#18 import: a SAM template with SQS+DLQ, Kinesis, DynamoDB and MSK events runs on the created resources', async () => {
  const s = servers();
  const prefix = uniqueName('imp');
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-import-'));
  const log = path.join(dir, 'handled.log');
  const out = path.join(dir, 'sluice.json');
  const args = [
    '-o',
    out,
    '--create-resources',
    '-p',
    `Prefix=${prefix}`,
    '-p',
    `LogFile=${log}`,
    '--sqs-endpoint',
    s.sqs.endpoint,
    '--kinesis-endpoint',
    s.kinesis.endpoint,
    '--dynamodb-endpoint',
    s.dynamodb.endpoint,
    '--kafka-brokers',
    s.kafka.brokers.join(','),
  ];
  const first = await importTemplate(args);
  expect(first.stderr).toContain('Resources.ProcessorFunction.Properties.Policies: not used by sluice');
  expect(first.stderr).toContain(`resource: queue ${prefix}-orders-dlq`);
  expect(first.stderr).toContain(`resource: table ${prefix}-orders\n`);
  expect(first.code).toBe(0);
  // Idempotent: a second run finds everything in place (SQS's CreateQueue itself accepts the same queue again).
  const again = await importTemplate(args);
  expect(again.code).toBe(0);
  expect(again.stderr).toContain(`resource: stream ${prefix}-clicks (exists)`);
  expect(again.stderr).toContain(`resource: table ${prefix}-orders (exists)`);
  expect(again.stderr).toContain(`resource: topic ${prefix}-payments (exists)`);

  // The generated config as written, on a free port.
  const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const loaded = loadConfigText(JSON.stringify({ ...written, server: { port: 0 } }), out);
  expect(loaded.problems).toEqual([]);
  expect(loaded.config!.mappings).toHaveLength(4);
  const app = await startApp(loaded.config!, createLogger('silent'));
  try {
    const sqs = sqsClient();
    const queueUrl = `${s.sqs.endpoint}/000000000000/${prefix}-orders`;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ id: 's1' }) }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ id: 'p1', poison: true }) }),
    );
    await kinesisClient().send(
      new PutRecordCommand({
        StreamName: `${prefix}-clicks`,
        PartitionKey: 'k',
        Data: Buffer.from(JSON.stringify({ id: 'k1' })),
      }),
    );
    await dynamoClient().send(new PutItemCommand({ TableName: `${prefix}-orders`, Item: { pk: { S: 'd1' } } }));
    const producer = kafka().producer();
    await producer.connect();
    try {
      await producer.send({ topic: `${prefix}-payments`, messages: [{ value: JSON.stringify({ id: 'f1' }) }] });
    } finally {
      await producer.disconnect();
    }

    await expect
      .poll(() => lines(log).sort(), { timeout: 90_000, interval: 500 })
      .toEqual(['dynamodb d1', 'kafka f1', 'kinesis k1', 'sqs s1']);
    // maxReceiveCount 2 with a 3 s visibility timeout: the poison message moves to the template's DLQ.
    const dlqUrl = `${s.sqs.endpoint}/000000000000/${prefix}-orders-dlq`;
    const inDlq: string[] = [];
    await expect
      .poll(
        async () => {
          const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
          inDlq.push(...(r.Messages ?? []).map((m) => m.Body ?? ''));
          return inDlq;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual([JSON.stringify({ id: 'p1', poison: true })]);
  } finally {
    await app.stop('test');
  }
});
