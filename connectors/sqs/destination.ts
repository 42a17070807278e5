import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { bodyOf, type DeliveryContext, type Destination } from '../../src/ports/sources.js';

/**
 * Sends each record as a JSON message body; DeliveryContext attributes become message attributes (the async DLQ's
 * RequestID, ErrorCode, ErrorMessage). FIFO queues: the function name is the MessageGroupId, so one function's
 * failures stay in order, and a fresh MessageDeduplicationId per record (SDK retries reuse it).
 */
export class SqsDestination implements Destination {
  constructor(
    readonly arn: string,
    private readonly fifo: boolean,
    private readonly client: SQSClient,
    private readonly queueUrl: () => Promise<string>,
    /** Gives the client back (shared per connection); by default the client is this destination's own. */
    private readonly releaseClient: () => void = () => client.destroy(),
  ) {}

  async send(record: unknown, ctx: DeliveryContext): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, a] of Object.entries(ctx.attributes ?? {})) {
      attributes[name] = a.type.startsWith('Binary')
        ? { DataType: a.type, BinaryValue: Buffer.from(a.value, 'base64') }
        : { DataType: a.type, StringValue: a.value };
    }
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: await this.queueUrl(),
        MessageBody: bodyOf(record),
        ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
        ...(this.fifo ? { MessageGroupId: ctx.functionName, MessageDeduplicationId: randomUUID() } : {}),
      }),
    );
  }

  close(): Promise<void> {
    this.releaseClient();
    return Promise.resolve();
  }
}
