import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { closeClients, sqsClient, uniqueFifoName, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

describe.each([
  { kind: 'standard', name: () => uniqueName('smoke') },
  { kind: 'FIFO', name: () => uniqueFifoName('smoke') },
])('SQS test server (ElasticMQ), $kind queue', ({ kind, name }) => {
  const group = kind === 'FIFO' ? { MessageGroupId: 'g1' } : {};

  it('sends, receives and deletes a message', async () => {
    const sqs = sqsClient();
    const q = await createQueue(sqs, name());
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'hello', ...group }));
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
    );
    expect(Messages?.map((m) => m.Body)).toEqual(['hello']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: Messages![0]!.ReceiptHandle }));
    const after = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
    );
    expect(after.Messages ?? []).toEqual([]);
  });

  it('moves a message received more than maxReceiveCount times to the DLQ (redrive policy)', async () => {
    const sqs = sqsClient();
    const base = name().replace(/\.fifo$/, '');
    const fifoSuffix = kind === 'FIFO' ? '.fifo' : '';
    const dlq = await createQueue(sqs, `${base}-dlq${fifoSuffix}`);
    const maxReceiveCount = 2;
    const q = await createQueue(sqs, `${base}${fifoSuffix}`, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison', ...group }));

    // VisibilityTimeout 0: the message is visible again at once, so each receive counts without waiting.
    const receive = (url: string, wait = 0) =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          VisibilityTimeout: 0,
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    for (let i = 1; i <= maxReceiveCount; i++) {
      const { Messages } = await receive(q.url, 5);
      expect(Messages?.[0]?.Body).toBe('poison');
      expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(i));
    }
    const past = await receive(q.url);
    expect(past.Messages ?? []).toEqual([]);
    const dead = await receive(dlq.url, 5);
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});
