import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../../src/ports/logger.js';
import type { QueueDescription, QueueSource } from '../../src/ports/queue-source.js';
import { readQueueSettings } from './queue-settings.js';
import { sqsEvents, toQueueMessage, type SqsMessage } from './record.js';

/** SQS batch APIs take at most 10 entries. */
function chunks<T>(items: readonly T[], size = 10): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** ChangeMessageVisibility takes whole seconds, at most 12 hours. */
const visibilitySeconds = (ms: number) => Math.max(0, Math.min(43_200, Math.ceil(ms / 1000)));

export class SqsQueueSource implements QueueSource<SqsMessage> {
  readonly kind = 'sqs';
  readonly redelivery = 'visibility-timeout';
  readonly events = sqsEvents;

  constructor(
    readonly arn: string,
    private readonly region: string,
    private readonly client: SQSClient,
    private readonly queueUrl: () => Promise<string>,
    private readonly logger: Logger,
    /** Gives the client back (shared per connection); by default the client is this source's own. */
    private readonly releaseClient: () => void = () => client.destroy(),
  ) {}

  async receive(max: number, waitMs: number, signal: AbortSignal): Promise<SqsMessage[]> {
    const r = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: await this.queueUrl(),
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        // Whole seconds, rounded up: a batching window may end up to 1 s late, never early.
        WaitTimeSeconds: Math.max(0, Math.min(20, Math.ceil(waitMs / 1000))),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return (r.Messages ?? []).map((m) => toQueueMessage(m, this.arn, this.region));
  }

  /** DeleteMessageBatch in chunks of 10; resolves with the ids SQS did not delete (the poller retries them). */
  async ack(msgs: readonly SqsMessage[]): Promise<string[]> {
    const url = await this.queueUrl();
    const failed = await Promise.all(
      chunks(msgs).map(async (chunk) => {
        try {
          const r = await this.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.handle })),
            }),
          );
          const ids = (r.Failed ?? []).map((f) => chunk[Number(f.Id)]?.id ?? '');
          if (ids.length > 0) {
            this.logger.warn({ failed: r.Failed?.map((f) => f.Code) }, 'SQS did not delete some messages');
          }
          return ids;
        } catch (err) {
          this.logger.warn({ err, count: chunk.length }, 'DeleteMessageBatch failed');
          return chunk.map((m) => m.id);
        }
      }),
    );
    return failed.flat();
  }

  /** ChangeMessageVisibility to the delay: sluice gives messages back early (stop, FIFO groups behind a failure). */
  nack(msgs: readonly SqsMessage[], redeliverAfterMs: number): Promise<void> {
    return this.#changeVisibility(msgs, visibilitySeconds(redeliverAfterMs));
  }

  /** ChangeMessageVisibility from now on (SQS-12). */
  extend(msgs: readonly SqsMessage[], visibleForMs: number): Promise<void> {
    return this.#changeVisibility(msgs, visibilitySeconds(visibleForMs));
  }

  async #changeVisibility(msgs: readonly SqsMessage[], seconds: number): Promise<void> {
    const url = await this.queueUrl();
    await Promise.all(
      chunks(msgs).map(async (chunk) => {
        const r = await this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: chunk.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.handle,
              VisibilityTimeout: seconds,
            })),
          }),
        );
        if (r.Failed?.length) {
          this.logger.debug({ failed: r.Failed.map((f) => f.Code) }, 'SQS did not change some visibilities');
        }
      }),
    );
  }

  async backlog(): Promise<number> {
    const r = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: await this.queueUrl(),
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  async describe(): Promise<QueueDescription> {
    return readQueueSettings(this.client, await this.queueUrl());
  }

  close(): Promise<void> {
    this.releaseClient();
    return Promise.resolve();
  }
}
