// #18 import --create-resources on ElasticMQ and DynamoDB Local: FIFO queues with their attributes and a FIFO
// dead-letter queue named by RedrivePolicy; a second run with changed attributes brings the queue in line instead of
// failing; a table made by an earlier run gives the import its real stream ARN without --create-resources.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/index.js';
import { closeClients, servers, sqsClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const template = (visibility: number) => `
Parameters:
  Prefix: { Type: String }
Resources:
  Dead:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub '\${Prefix}-dead', FifoQueue: true }
  Work:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${Prefix}-work.fifo'
      FifoQueue: true
      ContentBasedDeduplication: true
      VisibilityTimeout: ${visibility}
      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dead.Arn, maxReceiveCount: 4 }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub '\${Prefix}-table'
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      StreamSpecification: { StreamViewType: KEYS_ONLY }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: handlers.record
      Events:
        Work: { Type: SQS, Properties: { Queue: !GetAtt Work.Arn, BatchSize: 5 } }
        Changes: { Type: DynamoDB, Properties: { Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST } }
`;

async function run(dir: string, text: string, prefix: string, create: boolean) {
  const file = path.join(dir, 'template.yaml');
  writeFileSync(file, text);
  const out = path.join(dir, 'sluice.json');
  let stderr = '';
  const s = servers();
  const code = await runCli(
    [
      'import',
      file,
      '-o',
      out,
      '-p',
      `Prefix=${prefix}`,
      '--sqs-endpoint',
      s.sqs.endpoint,
      '--dynamodb-endpoint',
      s.dynamodb.endpoint,
      ...(create ? ['--create-resources'] : []),
    ],
    { stdout: () => {}, stderr: (t) => void (stderr += t), env: {} },
  );
  return { code, stderr, config: JSON.parse(readFileSync(out, 'utf8')) as { eventSourceMappings: object[] } };
}

it('#18 import --create-resources: FIFO queues with RedrivePolicy, idempotent, and the table stream ARN', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-create-'));
  const prefix = uniqueName('crt');
  const first = await run(dir, template(5), prefix, true);
  expect(first.stderr).toContain(`resource: queue ${prefix}-dead.fifo`);
  expect(first.code).toBe(0);

  const sqs = sqsClient();
  const url = `${servers().sqs.endpoint}/000000000000/${prefix}-work.fifo`;
  const attributes = async () =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
  const created = await attributes();
  expect(created).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '5' });
  expect(JSON.parse(created.RedrivePolicy ?? '{}')).toMatchObject({
    deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${prefix}-dead.fifo`,
    maxReceiveCount: 4,
  });
  const streamArn = (first.config.eventSourceMappings[1] as { EventSourceArn: string }).EventSourceArn;
  expect(streamArn).toMatch(new RegExp(`:table/${prefix}-table/stream/(?!unknown)`));

  // Again, with another visibility timeout: the queue is brought in line, the table kept.
  const second = await run(dir, template(9), prefix, true);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain(`resource: table ${prefix}-table (exists)`);
  expect((await attributes()).VisibilityTimeout).toBe('9');

  // Without --create-resources, an existing table's stream ARN is read from the server.
  const third = await run(dir, template(9), prefix, false);
  expect(third.code).toBe(0);
  expect(third.stderr).not.toContain('resource:');
  expect((third.config.eventSourceMappings[1] as { EventSourceArn: string }).EventSourceArn).toBe(streamArn);
});
