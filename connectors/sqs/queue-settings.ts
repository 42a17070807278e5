import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDescription } from '../../src/ports/queue-source.js';

/** VisibilityTimeout, FifoQueue and RedrivePolicy of a queue, so the app can check P-6 at start. */
export async function readQueueSettings(client: SQSClient, queueUrl: string): Promise<QueueDescription> {
  const r = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['VisibilityTimeout', 'FifoQueue', 'RedrivePolicy'],
    }),
  );
  const a = r.Attributes ?? {};
  const out: QueueDescription = {
    visibilityTimeoutMs: Number(a.VisibilityTimeout ?? 30) * 1000,
    fifo: a.FifoQueue === 'true',
  };
  if (a.RedrivePolicy) {
    try {
      const p = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
      if (p.deadLetterTargetArn) out.deadLetterTargetArn = p.deadLetterTargetArn;
      if (p.maxReceiveCount !== undefined) out.maxReceiveCount = Number(p.maxReceiveCount);
    } catch {
      // an unreadable policy only loses the informative fields
    }
  }
  return out;
}
